#!/usr/bin/env node
// The stand-alone faucet: the package ships TypeScript source, run through tsx.
import { register } from "tsx/esm/api";

register();
await import("../src/main.ts");
