// The one entry to @peculiar/x509, which needs the reflect-metadata polyfill loaded before it.
import "reflect-metadata";

export * from "@peculiar/x509";
