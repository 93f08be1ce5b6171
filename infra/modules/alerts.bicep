// FieldSync's alerts: log search alert rules on the Application Insights component (its customMetrics and
// customEvents), all notifying one action group. The query of each rule is a file in infra/monitoring/alerts/, which
// docs/operations.md shows and tests/FieldSync.Infra.Tests checks against the Application Insights schema; the
// thresholds are the template's parameters.

param appInsightsName string

param location string

param tags { *: string }

@description('Start of the action group\'s and every alert rule\'s name.')
param namePrefix string

@description('Email address the action group notifies; empty for an action group without receivers (the alerts still fire and show under Alerts in the portal).')
param alertEmail string

@description('Whether the alert rules evaluate (false: deployed but disabled).')
param enabled bool

@description('Pull failure rate, in percent of the pulls in 15 minutes, above which the failure-rate alert fires.')
@minValue(1)
@maxValue(100)
param pullFailureRatePercent int

@description('95th percentile of pull duration in 15 minutes, in milliseconds, above which the duration alert fires.')
@minValue(100)
param pullDurationP95Ms int

@description('Age in seconds of the oldest message waiting in fieldsync-push above which the push backlog alert fires.')
@minValue(60)
param pushBacklogAgeSeconds int

resource appInsights 'Microsoft.Insights/components@2020-02-02' existing = {
  name: appInsightsName
}

resource actionGroup 'Microsoft.Insights/actionGroups@2023-01-01' = {
  name: 'ag-${namePrefix}'
  // Action groups are global resources.
  location: 'global'
  tags: tags
  properties: {
    groupShortName: 'FieldSync'
    enabled: true
    emailReceivers: empty(alertEmail)
      ? []
      : [
          {
            name: 'operators'
            emailAddress: alertEmail
            useCommonAlertSchema: true
          }
        ]
  }
}

// One entry per rule. Severity: 0 critical, 1 error, 2 warning, 3 informational. A rule with dimensions fires (and
// resolves) once per value of each, e.g. per queue.
var rules = [
  {
    name: 'no-telemetry'
    displayName: 'FieldSync: no telemetry for 30 minutes'
    description: 'No FieldSync.QueueLength report in 30 minutes: the queue-health timer reports every minute, so the app is down, its telemetry is off (FieldSync__Telemetry__Enabled) or it cannot send it. docs/operations.md, "No telemetry".'
    severity: 1
    evaluationFrequency: 'PT5M'
    windowSize: 'PT30M'
    query: loadTextContent('../monitoring/alerts/no-telemetry.kql')
    metricMeasureColumn: 'Reports'
    dimensions: []
    operator: 'LessThan'
    threshold: 1
  }
  {
    name: 'pull-failure-rate'
    displayName: 'FieldSync: pull failure rate above ${pullFailureRatePercent}%'
    description: 'More than ${pullFailureRatePercent}% of the pulls in 15 minutes failed (at least 20 pulls). docs/operations.md, "Pull failure rate".'
    severity: 1
    evaluationFrequency: 'PT5M'
    windowSize: 'PT15M'
    query: loadTextContent('../monitoring/alerts/pull-failure-rate.kql')
    metricMeasureColumn: 'FailureRatePercent'
    dimensions: []
    operator: 'GreaterThan'
    threshold: pullFailureRatePercent
  }
  {
    name: 'poison-messages'
    displayName: 'FieldSync: poison messages'
    description: 'A queue message failed every attempt and was moved to a -poison queue (or is waiting there). docs/operations.md, "Poison messages".'
    severity: 2
    evaluationFrequency: 'PT15M'
    windowSize: 'PT15M'
    query: loadTextContent('../monitoring/alerts/poison-messages.kql')
    metricMeasureColumn: 'PoisonMessages'
    dimensions: [
      {
        name: 'QueueName'
        operator: 'Include'
        values: [
          '*'
        ]
      }
    ]
    operator: 'GreaterThan'
    threshold: 0
  }
  {
    name: 'pull-duration-p95'
    displayName: 'FieldSync: p95 pull duration above ${pullDurationP95Ms} ms'
    description: 'The 95th percentile of pull duration in 15 minutes is above ${pullDurationP95Ms} ms (at least 20 pulls). docs/operations.md, "Slow pulls".'
    severity: 3
    evaluationFrequency: 'PT5M'
    windowSize: 'PT15M'
    query: loadTextContent('../monitoring/alerts/pull-duration-p95.kql')
    metricMeasureColumn: 'P95Ms'
    dimensions: []
    operator: 'GreaterThan'
    threshold: pullDurationP95Ms
  }
  {
    name: 'push-backlog-age'
    displayName: 'FieldSync: pushes waiting more than ${pushBacklogAgeSeconds} s'
    description: 'The oldest message in fieldsync-push has waited more than ${pushBacklogAgeSeconds} seconds: pushed batches are not being applied. docs/operations.md, "Push backlog".'
    severity: 2
    evaluationFrequency: 'PT5M'
    windowSize: 'PT15M'
    query: loadTextContent('../monitoring/alerts/push-backlog-age.kql')
    metricMeasureColumn: 'OldestMessageAgeSeconds'
    dimensions: []
    operator: 'GreaterThan'
    threshold: pushBacklogAgeSeconds
  }
]

resource alertRules 'Microsoft.Insights/scheduledQueryRules@2026-03-01' = [
  for rule in rules: {
    name: '${namePrefix}-${rule.name}'
    location: location
    tags: tags
    kind: 'LogAlert'
    properties: {
      displayName: rule.displayName
      description: rule.description
      severity: rule.severity
      enabled: enabled
      scopes: [
        appInsights.id
      ]
      evaluationFrequency: rule.evaluationFrequency
      windowSize: rule.windowSize
      criteria: {
        allOf: [
          {
            query: rule.query
            timeAggregation: 'Maximum'
            metricMeasureColumn: rule.metricMeasureColumn
            dimensions: rule.dimensions
            operator: rule.operator
            threshold: rule.threshold
            failingPeriods: {
              numberOfEvaluationPeriods: 1
              minFailingPeriodsToAlert: 1
            }
          }
        ]
      }
      // Resolved by itself when the condition no longer holds.
      autoMitigate: true
      actions: {
        actionGroups: [
          actionGroup.id
        ]
      }
    }
  }
]
