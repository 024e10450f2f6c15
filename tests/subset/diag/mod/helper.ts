// Imported by unused_declarations.ts.
export const helperValue = 1;
