// The part of the WebAssembly JavaScript API that pdq-kernel.ts uses: Node has it, but @types/node 20 does not declare
// it (TypeScript's copy lives in the DOM library, which this project does not load).
declare namespace WebAssembly {
  class Module {
    constructor(bytes: Uint8Array);
  }
  class Instance {
    constructor(module: Module, imports?: object);
    readonly exports: Record<string, unknown>;
  }
  class Memory {
    readonly buffer: ArrayBuffer;
    grow(pages: number): number;
  }
}
