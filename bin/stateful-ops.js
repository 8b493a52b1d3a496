#!/usr/bin/env node
// Thin launcher: everything lives in dist/ so startup only pays for what a command imports.
import { main } from '../dist/cli.js';

process.exitCode = await main(process.argv);
