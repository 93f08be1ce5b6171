#!/usr/bin/env node
// Copies each query file of infra/monitoring/ into docs/operations.md: every ```kusto block gets the text of the
// file named (as `infra/monitoring/<queries|alerts>/<name>.kql`) last before it. The tests require the guide's
// blocks to be identical to the files; run this after changing a file:
//   node tests/FieldSync.Infra.Tests/kql/sync-docs.js
'use strict';

const fs = require('fs');
const path = require('path');

const root = path.resolve(__dirname, '..', '..', '..');
const guide = path.join(root, 'docs', 'operations.md');
const text = fs.readFileSync(guide, 'utf8');
const mention = /`infra\/monitoring\/((?:queries|alerts)\/[a-z0-9-]+\.kql)`/g;

let changed = 0;
const result = text.replace(/```kusto\n([\s\S]*?)\n```/g, (block, body, offset) => {
  const mentions = [...text.slice(0, offset).matchAll(mention)];
  if (mentions.length === 0) {
    throw new Error(`the kusto block at offset ${offset} follows no infra/monitoring/ file name`);
  }
  const file = mentions[mentions.length - 1][1];
  const query = fs.readFileSync(path.join(root, 'infra', 'monitoring', file), 'utf8').replace(/\s+$/, '');
  if (query !== body) {
    changed++;
  }
  return '```kusto\n' + query + '\n```';
});
fs.writeFileSync(guide, result);
process.stdout.write(`docs/operations.md: ${changed} block(s) updated\n`);
