namespace FieldSync.Benchmarks;

/// <summary>
/// One measured repair of a damaged device by full delta sync: the damage, the table transactions and wire bytes it
/// cost (both ways), its verify answers and fetches, and the rows the verify answers sent whole (those the device's
/// held-rows filters showed it lacked).
/// </summary>
internal sealed record RepairRun(string Damage, int Missing, int Extra, int Stale, long Transactions, long WireBytes, int Verifies, int Fetches, int SentWhole);
