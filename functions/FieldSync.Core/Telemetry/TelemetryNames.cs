namespace FieldSync.Core.Telemetry;

/// <summary>
/// Every name FieldSync's telemetry uses: the events (Application Insights <c>customEvents</c>), their dimensions
/// (<c>customDimensions</c>) and measurements (<c>customMeasurements</c>), and the pre-aggregated metrics
/// (<c>customMetrics</c>, never sampled). Where Dynamics 365 mobile sync telemetry has a name for the same thing it is
/// used as is (ScenarioResult, DataSyncMode, FailureType, DeviceInfo_Id, ProfileId, CurrentSyncId, RecordCount,
/// ResponseSize, entityName...), so an operator's queries and habits carry over. The KQL in docs/operations.md, the
/// workbook and the alerts may name only what is declared here (a test checks it).
/// </summary>
public static class TelemetryNames
{
    /// <summary>customEvents.name values.</summary>
    public static class Events
    {
        /// <summary>One device pull (any outcome). D365's sync scenario end: EventName = ScenarioEnd.</summary>
        public const string Pull = "FieldSync.Pull";
        /// <summary>A push batch accepted into the inbox (or refused: ScenarioResult FAILURE).</summary>
        public const string PushAccepted = "FieldSync.PushAccepted";
        /// <summary>A pushed batch applied by the queue function: applied, rejected and invalid changes, accept→applied delay.</summary>
        public const string PushApplied = "FieldSync.PushApplied";
        /// <summary>A pushed change that met a newer server version (either conflict-detection setting).</summary>
        public const string Conflict = "FieldSync.Conflict";
        /// <summary>A sync error recorded for a technician and an admin (one per error).</summary>
        public const string SyncError = "FieldSync.SyncError";
        /// <summary>A record change fanned out to the scopes it may affect.</summary>
        public const string FanOut = "FieldSync.FanOut";
        /// <summary>One scope evaluation (records or the whole scope).</summary>
        public const string ScopeEvaluation = "FieldSync.ScopeEvaluation";
        /// <summary>One timer run.</summary>
        public const string TimerRun = "FieldSync.TimerRun";
        /// <summary>A poison message handled (set aside as sync errors, or re-queued for later).</summary>
        public const string PoisonMessage = "FieldSync.PoisonMessage";
        /// <summary>Work a sweeper or requeue timer found stalled and sent again.</summary>
        public const string Recovery = "FieldSync.Recovery";
        /// <summary>One run of the @today / now() re-evaluation: the windows swept and rows fanned out.</summary>
        public const string TimeRelativeReevaluation = "FieldSync.TimeRelativeReevaluation";
        /// <summary>A write through the records API (dispatcher or admin), whose fan-out shares its operation_Id.</summary>
        public const string RecordWrite = "FieldSync.RecordWrite";
        /// <summary>One online-mode read (a query page or a single record), whatever its outcome; a scenario end like the pull.</summary>
        public const string OnlineRead = "FieldSync.OnlineRead";
        /// <summary>One run of a cleanup timer: devices removed, scopes retired, chunks deleted, batches purged, whether more remains.</summary>
        public const string Cleanup = "FieldSync.Cleanup";
        /// <summary>One full delta sync request (a verify page or a fetch), whatever its outcome; a scenario end like the pull.</summary>
        public const string FullDeltaSync = "FieldSync.FullDeltaSync";

        public static readonly IReadOnlyList<string> All =
            [Pull, PushAccepted, PushApplied, Conflict, SyncError, FanOut, ScopeEvaluation, TimerRun, PoisonMessage, Recovery, TimeRelativeReevaluation, RecordWrite, OnlineRead, Cleanup, FullDeltaSync];
    }

    /// <summary>customDimensions keys (strings).</summary>
    public static class Dimensions
    {
        /// <summary>"ScenarioEnd" on scenario events, as D365 sends it.</summary>
        public const string EventName = "EventName";
        /// <summary><see cref="ScenarioResults"/>.</summary>
        public const string ScenarioResult = "ScenarioResult";
        /// <summary>The problem type slug of a failure (validation, forbidden, invalid-checkpoint...), or the sync error code.</summary>
        public const string ErrorCode = "ErrorCode";
        /// <summary><see cref="FailureTypes"/>, mapped from the problem type (docs/operations.md has the table).</summary>
        public const string FailureType = "FailureType";
        /// <summary><see cref="DataSyncModes"/>.</summary>
        public const string DataSyncMode = "DataSyncMode";
        public const string DeviceInfoId = "DeviceInfo_Id";
        public const string ProfileId = "ProfileId";
        /// <summary>The X-FieldSync-Sync-Id header a device may send (else generated and returned in it).</summary>
        public const string CurrentSyncId = "CurrentSyncId";
        /// <summary>The table, as D365 names it.</summary>
        public const string EntityName = "entityName";
        public const string RecordId = "RecordId";
        /// <summary>"true" / "false": whether the batch was applied with conflict detection.</summary>
        public const string ConflictDetection = "ConflictDetection";
        /// <summary>How a conflict ended: ServerWins (detection on: rejected) or DeviceWins (detection off: applied).</summary>
        public const string Resolution = "Resolution";
        /// <summary>The sync error type: Conflict, RecordNotFound, Validation, Permission or Other (the admin API's types).</summary>
        public const string SyncErrorType = "SyncErrorType";
        public const string BatchId = "BatchId";
        public const string HasMore = "HasMore";
        public const string IsLarge = "IsLarge";
        /// <summary>A queue's name (queue metrics, poison messages, recoveries).</summary>
        public const string QueueName = "QueueName";
        /// <summary>The function name of a timer.</summary>
        public const string TimerName = "TimerName";
        /// <summary>What kind of stalled work was recovered: <see cref="RecoveryKinds"/>.</summary>
        public const string RecoveryKind = "RecoveryKind";
        /// <summary>Records (a write's records) or Whole (the whole scope).</summary>
        public const string EvaluationKind = "EvaluationKind";
        /// <summary>Applied, Rejected or Invalid (the AppliedChanges metric).</summary>
        public const string Outcome = "Outcome";
        /// <summary>create / update / delete (records API writes); verify / fetch (full delta sync).</summary>
        public const string Operation = "Operation";
        /// <summary>How an online read found its rows: PointRead, IndexRange or Scan (<c>OnlinePlanKind</c>).</summary>
        public const string OnlinePlan = "OnlinePlan";
        /// <summary>Which cleanup timer ran: StaleDevices or ProcessedBatches (Cleanup.CleanupKinds).</summary>
        public const string CleanupKind = "CleanupKind";
        /// <summary>"true" when a cleanup run stopped at its bound and the next run continues.</summary>
        public const string MoreRemains = "MoreRemains";
    }

    /// <summary>customMeasurements keys (numbers).</summary>
    public static class Measurements
    {
        /// <summary>Rows sent (upserts), as D365 counts them.</summary>
        public const string RecordCount = "RecordCount";
        public const string RemovalCount = "RemovalCount";
        public const string TablesDue = "TablesDue";
        /// <summary>Bytes of the answer on the wire (after compression).</summary>
        public const string ResponseSize = "ResponseSize";
        /// <summary>Rows still to send after this page.</summary>
        public const string Pending = "Pending";
        public const string DurationMs = "DurationMs";
        /// <summary>Azure Storage transactions the operation cost (StorageTransactionCounter).</summary>
        public const string StorageTransactions = "StorageTransactions";
        /// <summary>Changes in a pushed batch.</summary>
        public const string ChangeCount = "ChangeCount";
        public const string Applied = "Applied";
        public const string Rejected = "Rejected";
        public const string Invalid = "Invalid";
        /// <summary>From the batch's acceptance to its application.</summary>
        public const string AcceptToAppliedMs = "AcceptToAppliedMs";
        /// <summary>Scopes a fan-out message reached.</summary>
        public const string ScopeCount = "ScopeCount";
        /// <summary>Records a scope evaluation looked at, put and removed.</summary>
        public const string Records = "Records";
        public const string Puts = "Puts";
        public const string Removes = "Removes";
        /// <summary>Times an evaluation lost the race for the scope head and retried.</summary>
        public const string HeadRaceRetries = "HeadRaceRetries";
        /// <summary>Items a timer, sweeper or recovery handled.</summary>
        public const string ItemCount = "ItemCount";
        /// <summary>Time windows (column × interval) a time-relative run swept.</summary>
        public const string Windows = "Windows";
        /// <summary>Rows an online query read to find its page (scan rows or index candidates): its storage bound at work.</summary>
        public const string RowsExamined = "RowsExamined";
        /// <summary>Stale devices a cleanup run removed.</summary>
        public const string DevicesRemoved = "DevicesRemoved";
        /// <summary>Stale devices a cleanup run kept (uploads not applied yet, or seen meanwhile).</summary>
        public const string DevicesKept = "DevicesKept";
        /// <summary>User scopes whose retirement a cleanup run finished.</summary>
        public const string ScopesRetired = "ScopesRetired";
        /// <summary>Chunks (one transaction of up to 99 rows each) of retiring scopes a cleanup run deleted.</summary>
        public const string ChunksDeleted = "ChunksDeleted";
        /// <summary>Processed inbox batches a cleanup run purged.</summary>
        public const string BatchesPurged = "BatchesPurged";
        /// <summary>Tables a verify answer found to differ (and listed rows of).</summary>
        public const string TablesListed = "TablesListed";
        /// <summary>Rows (id, version) a verify answer listed.</summary>
        public const string RowsListed = "RowsListed";
    }

    /// <summary>customMetrics.name values (TelemetryClient.GetMetric: aggregated per minute, never sampled).</summary>
    public static class Metrics
    {
        /// <summary>Pulls, by DataSyncMode and ScenarioResult.</summary>
        public const string Pulls = "FieldSync.Pulls";
        /// <summary>Pull duration in ms, by DataSyncMode.</summary>
        public const string PullDuration = "FieldSync.PullDurationMs";
        /// <summary>Pull answer bytes, by DataSyncMode.</summary>
        public const string PullResponseSize = "FieldSync.PullResponseBytes";
        /// <summary>Rows sent per pull, by DataSyncMode.</summary>
        public const string PullRecords = "FieldSync.PullRecords";
        /// <summary>Storage transactions per pull, by DataSyncMode.</summary>
        public const string PullStorageTransactions = "FieldSync.PullStorageTransactions";
        /// <summary>Pushed batches accepted, by ScenarioResult.</summary>
        public const string PushBatches = "FieldSync.PushBatches";
        /// <summary>Applied changes, by Outcome (Applied, Rejected, Invalid).</summary>
        public const string AppliedChanges = "FieldSync.AppliedChanges";
        /// <summary>Accept → applied delay in ms per batch.</summary>
        public const string PushAcceptToApplied = "FieldSync.PushAcceptToAppliedMs";
        /// <summary>Conflicts, by entityName and Resolution.</summary>
        public const string Conflicts = "FieldSync.Conflicts";
        /// <summary>Sync errors recorded, by SyncErrorType.</summary>
        public const string SyncErrors = "FieldSync.SyncErrors";
        /// <summary>Scopes reached per fan-out message.</summary>
        public const string FanOutScopes = "FieldSync.FanOutScopes";
        /// <summary>Scope evaluations, by EvaluationKind.</summary>
        public const string ScopeEvaluations = "FieldSync.ScopeEvaluations";
        /// <summary>Poison messages handled, by QueueName.</summary>
        public const string PoisonMessages = "FieldSync.PoisonMessages";
        /// <summary>Stalled work sent again, by RecoveryKind.</summary>
        public const string Recoveries = "FieldSync.Recoveries";
        /// <summary>A queue's approximate length, by QueueName (every minute, poison queues included).</summary>
        public const string QueueLength = "FieldSync.QueueLength";
        /// <summary>Age in seconds of the oldest message of a queue, by QueueName (0 when empty).</summary>
        public const string QueueOldestMessageAge = "FieldSync.QueueOldestMessageAgeSeconds";

        public static readonly IReadOnlyList<string> All =
            [Pulls, PullDuration, PullResponseSize, PullRecords, PullStorageTransactions, PushBatches, AppliedChanges, PushAcceptToApplied,
             Conflicts, SyncErrors, FanOutScopes, ScopeEvaluations, PoisonMessages, Recoveries, QueueLength, QueueOldestMessageAge];
    }

    /// <summary>Resolution values: who won a conflict.</summary>
    public static class Resolutions
    {
        /// <summary>Conflict detection on: the change was rejected, the server's record stays.</summary>
        public const string ServerWins = "ServerWins";
        /// <summary>Conflict detection off (the seed's default): the device's change was applied over the newer record.</summary>
        public const string DeviceWins = "DeviceWins";
    }

    /// <summary>Outcome values of the AppliedChanges metric.</summary>
    public static class Outcomes
    {
        public const string Applied = "Applied";
        public const string Rejected = "Rejected";
        public const string Invalid = "Invalid";
    }

    /// <summary>EvaluationKind values.</summary>
    public static class EvaluationKinds
    {
        public const string Records = "Records";
        public const string Whole = "Whole";
    }

    /// <summary>CleanupKind values: which cleanup timer ran.</summary>
    public static class CleanupKinds
    {
        /// <summary>RemoveStaleDevices: stale devices removed, and the scopes of users left without a device retired.</summary>
        public const string StaleDevices = "StaleDevices";
        /// <summary>PurgeProcessedBatches: processed inbox batches past their retention purged.</summary>
        public const string ProcessedBatches = "ProcessedBatches";
    }

    /// <summary>RecoveryKind values.</summary>
    public static class RecoveryKinds
    {
        public const string PendingFanOut = "PendingFanOut";
        public const string StalledPush = "StalledPush";
        public const string SweepPage = "SweepPage";
    }

    /// <summary>DataSyncMode on the pull metrics when the pull failed before it had a mode (authentication, validation).</summary>
    public const string UnknownSyncMode = "UNKNOWN";

    public static class ScenarioResults
    {
        public const string Success = "SUCCESS";
        public const string Failure = "FAILURE";
    }

    /// <summary>DataSyncMode values (the pull's sync mode; D365's SINGLE_RECORD_SYNC has no server side here).</summary>
    public static class DataSyncModes
    {
        public const string FirstSync = "FIRST_SYNC";
        public const string DeltaSync = "DELTA_SYNC";
        public const string GridSync = "GRID_SYNC";
        public const string ForcedSync = "FORCED_SYNC";
    }

    /// <summary>FailureType values, D365's (docs/operations.md maps every problem type to one).</summary>
    public static class FailureTypes
    {
        /// <summary>No or invalid credentials (401).</summary>
        public const string AuthError = "AUTH_ERROR";
        /// <summary>Authenticated but not allowed: a role missing, another user's device (403).</summary>
        public const string AccessError = "ACCESS_ERROR";
        /// <summary>The request is wrong: validation, malformed JSON, bad checkpoint, too large (4xx).</summary>
        public const string ExpectedError = "EXPECTED_ERROR";
        /// <summary>The environment is misconfigured: no profile for the user, a profile that cannot be used.</summary>
        public const string ConfigError = "CONFIG_ERROR";
        /// <summary>The server failed (5xx).</summary>
        public const string ServerError = "SERVER_ERROR";
        /// <summary>The client went away or timed out mid-request.</summary>
        public const string NetworkError = "NETWORK_ERROR";
    }

    /// <summary>The request and response header that carries <see cref="Dimensions.CurrentSyncId"/>.</summary>
    public const string SyncIdHeader = "X-FieldSync-Sync-Id";

    /// <summary>The setting that turns the worker's telemetry on and off at run time (default on).</summary>
    public const string EnabledSetting = TelemetryOptions.SectionName + ":" + nameof(TelemetryOptions.Enabled);
}
