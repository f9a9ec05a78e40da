// `node --import ./test/support/record-imports.mjs …` appends every module URL the process loads to
// the file named by IMPORT_LOG: how tests see what a CLI command really loads.
import { register } from 'node:module';

register('./record-imports-hooks.mjs', import.meta.url);
