#!/usr/bin/env node
// Parses and type-checks KQL queries offline against the Application Insights schema, with Kusto.Language (the
// parser and semantic analyzer of Azure Data Explorer and Azure Monitor, compiled to JavaScript: npm
// @kusto/language-service-next, installed by `npm ci` at the repository root).
//
// Input (stdin): a JSON array of { "id": "...", "query": "..." }.
// Output (stdout): a JSON array of { "id", "diagnostics": [{ "severity", "code", "category", "message", "start",
// "length", "text" }], "columns": [{ "name", "type" }] }, one entry per query, in order. The diagnostics are the
// compiler's (syntax and semantics: unknown tables, columns and functions, wrong types) followed by its analyzers'
// (performance and correctness hints, which are warnings or suggestions); the columns are those of the query's
// result as the analyzer infers them (empty when the result is not a table). Exit code 0 when the queries could be
// checked at all (whatever the diagnostics), 2 when the input or the package is missing.
//
//   echo '[{"id":"x","query":"customEvents | take 1"}]' | node tests/FieldSync.Infra.Tests/kql/check.js
'use strict';

const fs = require('fs');

try {
  require('@kusto/language-service-next/bridge.js');
  require('@kusto/language-service-next/Kusto.Language.Bridge.js');
} catch (e) {
  process.stderr.write(`@kusto/language-service-next is not installed: run \`npm ci\` at the repository root (${e.message})\n`);
  process.exit(2);
}

// The tables and columns an Application Insights component's Logs (the classic schema, which workbooks, log alerts
// scoped to the component and the component's Logs blade query) has, with their types, as Microsoft's "Migrate to
// workspace-based Application Insights resources" article lists them (its "Table schemas" section maps each classic
// column to its Log Analytics column). Note the classic schema's own types: `success` is a string there
// ("True"/"False"; only Log Analytics' AppRequests.Success is a bool), and customMetrics has valueCount but no
// itemCount (metrics are never sampled) and no customMeasurements.
const common = [
  'timestamp:datetime', 'itemType:string', 'itemId:string', 'customDimensions:dynamic',
  'operation_Name:string', 'operation_Id:string', 'operation_ParentId:string', 'operation_SyntheticSource:string',
  'session_Id:string', 'user_Id:string', 'user_AuthenticatedId:string', 'user_AccountId:string',
  'application_Version:string', 'client_Type:string', 'client_Model:string', 'client_OS:string', 'client_IP:string',
  'client_City:string', 'client_StateOrProvince:string', 'client_CountryOrRegion:string', 'client_Browser:string',
  'cloud_RoleName:string', 'cloud_RoleInstance:string', 'appId:string', 'appName:string', 'iKey:string',
  'sdkVersion:string',
];
const sampled = ['itemCount:int', 'customMeasurements:dynamic'];

const tables = {
  customEvents: [...common, ...sampled, 'name:string'],
  customMetrics: [...common, 'name:string', 'value:real', 'valueCount:int', 'valueSum:real', 'valueMin:real', 'valueMax:real'],
  requests: [...common, ...sampled, 'id:string', 'name:string', 'url:string', 'source:string', 'duration:real',
    'performanceBucket:string', 'resultCode:string', 'success:string'],
  dependencies: [...common, ...sampled, 'id:string', 'name:string', 'target:string', 'type:string', 'data:string',
    'duration:real', 'performanceBucket:string', 'resultCode:string', 'success:string'],
  traces: [...common, ...sampled, 'message:string', 'severityLevel:int'],
  exceptions: [...common, ...sampled, 'problemId:string', 'handledAt:string', 'type:string', 'message:string',
    'assembly:string', 'method:string', 'outerType:string', 'outerMessage:string', 'outerAssembly:string',
    'outerMethod:string', 'innermostType:string', 'innermostMessage:string', 'innermostAssembly:string',
    'innermostMethod:string', 'severityLevel:int', 'details:dynamic'],
};

const Symbols = Kusto.Language.Symbols;
const tableSymbols = Object.entries(tables).map(
  ([name, columns]) => new Symbols.TableSymbol.$ctor7(name, `(${columns.join(', ')})`, null));
const database = new Symbols.DatabaseSymbol.$ctor1('ApplicationInsights', tableSymbols);
const globals = Kusto.Language.GlobalState.Default.WithDatabase(database);

function toArray(list) {
  const items = [];
  for (let i = 0; i < list.Count; i++) {
    items.push(list.getItem(i));
  }
  return items;
}

function check(query) {
  const code = Kusto.Language.KustoCode.ParseAndAnalyze(query, globals);
  const service = new Kusto.Language.Editor.KustoCodeService.ctor(code);
  const diagnostics = [...toArray(code.GetDiagnostics()), ...toArray(service.GetAnalyzerDiagnostics(true))];
  const result = code.ResultType;
  const columns = result instanceof Symbols.TableSymbol
    ? toArray(result.Columns).map(c => ({ name: c.Name, type: c.Type.Name }))
    : [];
  return { diagnostics: diagnostics.map(d => ({
    severity: d.Severity,
    code: d.Code,
    category: d.Category,
    message: d.Message,
    start: d.Start,
    length: d.Length,
    text: d.HasLocation ? query.substr(d.Start, Math.max(d.Length, 1)) : null,
  })), columns };
}

let input;
try {
  input = JSON.parse(fs.readFileSync(0, 'utf8'));
  if (!Array.isArray(input)) {
    throw new Error('expected a JSON array of { id, query }');
  }
} catch (e) {
  process.stderr.write(`bad input: ${e.message}\n`);
  process.exit(2);
}

const results = input.map(({ id, query }) => ({ id, ...check(String(query)) }));
process.stdout.write(JSON.stringify(results, null, 2) + '\n');
