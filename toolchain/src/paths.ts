// Where the repository's files are, from the compiled location (build/js/toolchain/src).
import * as path from 'path';

export const REPO_ROOT = path.resolve(__dirname, '..', '..', '..', '..');
