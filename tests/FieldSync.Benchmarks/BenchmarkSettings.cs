using FieldSync.Core.Sync;

namespace FieldSync.Benchmarks;

/// <summary>The sizes of one benchmark run.</summary>
/// <param name="Products">Products in the shared "all products" bucket (every technician downloads them all).</param>
/// <param name="Technicians">Technician users, each with a bookable resource, bookings, work orders and accounts.</param>
/// <param name="BookingsPerTechnician">Bookings per technician, one a day from today on, each with its own work order.</param>
/// <param name="IdlePulls">Incremental pulls with nothing new, spread over the technicians' devices.</param>
/// <param name="TimedRuns">Timed runs (after one warm-up) of the HTTP first sync and of the raw scan; the median is reported.</param>
/// <param name="PageSize">Pull page size of the first syncs.</param>
/// <param name="WriteParallelism">Concurrent record writes while seeding.</param>
/// <param name="PushBatches">Batches a technician's device pushes per push round (one warm-up round, then <paramref name="TimedRuns"/> measured ones).</param>
/// <param name="PushBatchSize">Changes per pushed batch.</param>
/// <param name="PushWorkOrders">Work orders (one booking each) of the pushing technician; every batch updates <paramref name="PushBatchSize"/> distinct ones of them.</param>
internal sealed record BenchmarkSettings(
    int Products,
    int Technicians,
    int BookingsPerTechnician,
    int IdlePulls,
    int TimedRuns,
    int PageSize,
    int WriteParallelism,
    int PushBatches,
    int PushBatchSize,
    int PushWorkOrders,
    bool Quick)
{
    public const int DefaultProducts = 10_000;
    public const int QuickProducts = 1_000;

    public static BenchmarkSettings Create(bool quick, int? products) => new(
        Products: products ?? (quick ? QuickProducts : DefaultProducts),
        Technicians: 10,
        BookingsPerTechnician: 4,
        IdlePulls: 100,
        TimedRuns: quick ? 1 : 3,
        PageSize: PullService.MaxPageSize,
        WriteParallelism: 16,
        PushBatches: 4,
        PushBatchSize: 50,
        PushWorkOrders: 50,
        Quick: quick);
}
