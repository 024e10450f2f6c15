// Single inheritance: base fields first (C embedding), base methods apply to derived
// objects, Ptr<Derived> converts to Ptr<Base>, super(...) and super.m(), static dispatch
// through a base pointer, and dynamic dispatch made explicit with a function-pointer field.
class Animal {
  legs: u8 = 4;
  sound: (a: Ptr<Animal>) => u32;
  protected id: u32;
  constructor(id: u32) { this.id = id; this.sound = animalSound; }
  name(): u32 { return 100 + this.id; }
  speak(): u32 { return this.sound(addressOf<Animal>(this)); }
  static kingdom(): u32 { return 1; }
}

function animalSound(a: Ptr<Animal>): u32 { return 1; }
function birdSound(a: Ptr<Animal>): u32 { return 2 + u32(a.legs); }

class Bird extends Animal {
  wings: u16 = 2;
  constructor(id: u32) {
    super(id * 10);
    this.legs = 2;
    this.sound = birdSound;
  }
  name(): u32 { return super.name() + 1000; }   // overrides, statically
  ident(): u32 { return this.id; }               // protected: visible in a subclass
}

class Parrot extends Bird { words: u32 = 7; }   // no constructor: Bird's arguments

function baseName(a: Ptr<Animal>): u32 { return a.name(); }

export function main(): i32 {
  let b = new Bird(3);
  printU(b.legs); print(" "); printU(b.wings); print(" "); printU(b.ident()); print("\n");   // 2 2 30
  printU(b.name()); print(" "); printU(baseName(addressOf(b))); print("\n");                 // 1130 130
  printU(b.speak()); print(" "); printU(Bird.kingdom()); print("\n");                        // 4 1
  let p = new Parrot(4);
  printU(p.words); print(" "); printU(p.ident()); print(" "); printU(p.name()); print("\n");  // 7 40 1140
  let a: Ptr<Animal> = addressOf(p);
  printU(a.speak()); print(" "); printU(a.name()); print("\n");                              // 4 140
  // 24 24 40: Parrot is { Bird (32 bytes); words }, as the C struct embedding Bird
  printU(offsetof<Bird>("wings")); print(" "); printU(sizeof<Animal>()); print(" "); printU(sizeof<Parrot>()); print("\n");
  let plain = new Animal(5);
  printU(plain.speak()); print("\n");                                                        // 1
  return 0;
}
