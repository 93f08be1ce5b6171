// The operators' workbook (Azure Monitor → Workbooks, or the Application Insights component's Workbooks blade):
// FieldSync's syncs, pushes, conflicts, sync errors and queues. Its layout is infra/monitoring/workbook.json (a
// Notebook/1.0 workbook whose query items name a file in infra/monitoring/queries/ instead of holding the text);
// the text of each query is loaded from that file here, so docs/operations.md, the workbook and the tests read the
// same queries (tests/FieldSync.Infra.Tests checks every one against the Application Insights schema).

param appInsightsName string

param location string

param tags { *: string }

@description('Title of the workbook in the portal; unique in the resource group.')
param displayName string

resource appInsights 'Microsoft.Insights/components@2020-02-02' existing = {
  name: appInsightsName
}

var layout = loadJsonContent('../monitoring/workbook.json')

// Every file a query item of the layout names (a missing one fails the deployment's evaluation, and the tests).
var queries = {
  'overview.kql': loadTextContent('../monitoring/queries/overview.kql')
  'sync-success-rate.kql': loadTextContent('../monitoring/queries/sync-success-rate.kql')
  'failures-by-error.kql': loadTextContent('../monitoring/queries/failures-by-error.kql')
  'pull-duration.kql': loadTextContent('../monitoring/queries/pull-duration.kql')
  'pull-size.kql': loadTextContent('../monitoring/queries/pull-size.kql')
  'storage-transactions.kql': loadTextContent('../monitoring/queries/storage-transactions.kql')
  'push-accept-to-applied.kql': loadTextContent('../monitoring/queries/push-accept-to-applied.kql')
  'push-outcomes.kql': loadTextContent('../monitoring/queries/push-outcomes.kql')
  'conflicts-per-day.kql': loadTextContent('../monitoring/queries/conflicts-per-day.kql')
  'top-sync-errors.kql': loadTextContent('../monitoring/queries/top-sync-errors.kql')
  'devices-without-success.kql': loadTextContent('../monitoring/queries/devices-without-success.kql')
  'queue-backlog.kql': loadTextContent('../monitoring/queries/queue-backlog.kql')
  'queue-length-over-time.kql': loadTextContent('../monitoring/queries/queue-length-over-time.kql')
  'poison-messages.kql': loadTextContent('../monitoring/queries/poison-messages.kql')
  'telemetry-sources.kql': loadTextContent('../monitoring/queries/telemetry-sources.kql')
  'online-reads.kql': loadTextContent('../monitoring/queries/online-reads.kql')
  'cleanup-runs.kql': loadTextContent('../monitoring/queries/cleanup-runs.kql')
  'full-delta-syncs.kql': loadTextContent('../monitoring/queries/full-delta-syncs.kql')
}

// Query items (type 3) get the text of the file they name; text and parameter items stay as they are.
var items = map(layout.items, item => item.type == 3 ? union(item, { content: union(item.content, { query: queries[item.content.query] }) }) : item)

resource workbook 'Microsoft.Insights/workbooks@2023-06-01' = {
  // A workbook's name is a GUID. The component's name is part of the seed, so two environments in one resource
  // group get two workbooks.
  name: guid(resourceGroup().id, 'fieldsync-workbook', appInsightsName)
  location: location
  tags: tags
  kind: 'shared'
  properties: {
    displayName: displayName
    category: 'workbook'
    sourceId: appInsights.id
    version: layout.version
    serializedData: string({
      version: layout.version
      items: items
      fallbackResourceIds: [
        appInsights.id
      ]
      '$schema': layout['$schema']
    })
  }
}
