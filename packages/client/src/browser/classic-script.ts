// Entry of the classic-script bundle (dist/browser/open-scws.global.js): pages written for scwsapi.js load it with
// a <script> tag and find `SCWS` where they expect it, and `OpenScws` holds every export of the package. Built
// as its own entry rather than with a global name so that the bundle carries no CommonJS interop helpers.
import * as OpenScws from "../index.js";

Object.assign(globalThis, { OpenScws, SCWS: OpenScws.SCWS });
