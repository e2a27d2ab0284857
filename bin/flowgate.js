#!/usr/bin/env node
// Entry point of the `flowgate` command: runs the compiled CLI (built by `npm install` via `prepare`).
import process from 'node:process';
import { main } from '../dist/cli/main.js';

await main(process.argv);
