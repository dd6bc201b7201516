// The one place that imports pkcs11js. Its default import is required: `import * as` yields undefined constants.
import pkcs11js from "pkcs11js";

export default pkcs11js;
export type { Handle, Mechanism, PKCS11, Template } from "pkcs11js";
