using System.Net;
using System.Net.Http.Headers;
using FieldSync.Client.Http;

namespace FieldSync.Client.Tests.Unit;

public sealed class RetryPipelineTests
{
    [Fact]
    public void RetryAfter_SecondsOrDate_IsHonouredAndCapped()
    {
        using var seconds = new HttpResponseMessage(HttpStatusCode.ServiceUnavailable);
        seconds.Headers.RetryAfter = new RetryConditionHeaderValue(TimeSpan.FromSeconds(3));
        using var later = new HttpResponseMessage(HttpStatusCode.TooManyRequests);
        later.Headers.RetryAfter = new RetryConditionHeaderValue(DateTimeOffset.UtcNow.AddHours(5));
        using var none = new HttpResponseMessage(HttpStatusCode.ServiceUnavailable);

        Assert.Equal(TimeSpan.FromSeconds(3), RetryPipeline.RetryAfter(seconds, TimeSpan.FromMinutes(1), TimeProvider.System));
        Assert.Equal(TimeSpan.FromMinutes(1), RetryPipeline.RetryAfter(later, TimeSpan.FromMinutes(1), TimeProvider.System));
        Assert.Null(RetryPipeline.RetryAfter(none, TimeSpan.FromMinutes(1), TimeProvider.System));
    }

    [Fact]
    public async Task Pipeline_503ThenOk_RetriesAndReturnsTheSuccess_But400IsNotRetried()
    {
        var options = new FieldSyncClientOptions
        {
            ServerAddress = new Uri("http://127.0.0.1/"), DeviceId = "d", AccessToken = _ => ValueTask.FromResult("t"),
            RetryBaseDelay = TimeSpan.FromMilliseconds(1), MaxRetryDelay = TimeSpan.FromMilliseconds(5),
        };
        var pipeline = RetryPipeline.Create(options, TimeProvider.System);
        var answers = new Queue<HttpStatusCode>([HttpStatusCode.ServiceUnavailable, HttpStatusCode.TooManyRequests, HttpStatusCode.OK]);
        var calls = 0;

        using var ok = await pipeline.ExecuteAsync(_ => { calls++; return ValueTask.FromResult(new HttpResponseMessage(answers.Dequeue())); });
        var badCalls = 0;
        using var bad = await pipeline.ExecuteAsync(_ => { badCalls++; return ValueTask.FromResult(new HttpResponseMessage(HttpStatusCode.BadRequest)); });

        Assert.Equal((HttpStatusCode.OK, 3), (ok.StatusCode, calls));
        Assert.Equal((HttpStatusCode.BadRequest, 1), (bad.StatusCode, badCalls));
    }
}
