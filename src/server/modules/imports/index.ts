// What other parts of Convene may use of imports: the foreground import (benchmarks, tests).
export { importExport } from "./pipeline.js";
