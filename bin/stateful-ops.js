#!/usr/bin/env node
// Thin launcher: the bundle in dist/ loads only what a command needs (see scripts/build.mjs).
import { main } from '../dist/main.js';

process.exitCode = await main(process.argv);
