using System.Text;
using FieldSync.Core.Sync;

namespace FieldSync.Core.Tests.Sync;

public class CheckpointTests
{
    private const string ValidJson = """
        { "v": 1, "d": "phone-1", "u": "tech1", "at": 1780000000, "pr": "0123456789abcdef", "ps": 3,
          "b": { "workorder": { "s": "s|field-service-mobile", "q": 12, "c": true, "n": 0, "t": 1780000000 },
                 "bookableresourcebooking": { "s": "u|tech1", "q": 4, "c": false, "n": 2, "t": 0 } } }
        """;

    private static string Token(string json)
        => Convert.ToBase64String(Encoding.UTF8.GetBytes(json)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static string Edit(string find, string replace)
    {
        Assert.Contains(find, ValidJson, StringComparison.Ordinal);
        return Token(ValidJson.Replace(find, replace, StringComparison.Ordinal));
    }

    [Fact]
    public void TryDecode_IssuedCheckpoint_RoundTrips()
    {
        var issued = new Checkpoint { DeviceId = "phone-1", UserId = "tech1", PulledAt = 1_780_000_000, ProfileRevision = "0123456789abcdef", OutcomesThrough = 5 };
        issued.Buckets["workorder"] = new BucketCheckpoint { Scope = "s|field-service-mobile", Seq = 9, Complete = true, SyncedAt = 1_780_000_000 };
        issued.Buckets["bookableresourcebooking"] = new BucketCheckpoint { Scope = "u|tech1", Seq = 2, Delivered = 2 };

        Assert.True(Checkpoint.TryDecode(issued.Encode(), out var decoded));
        Assert.Equal("phone-1", decoded!.DeviceId);
        Assert.Equal(5, decoded.OutcomesThrough);
        Assert.Equal(9, decoded.Buckets["workorder"].Seq);
        Assert.True(Checkpoint.TryDecode(Token(ValidJson), out _));
    }

    public static TheoryData<string> Forged() => new()
    {
        // not a token at all
        "",
        "!!!",
        "forged",
        Token("not json"),
        Token("[]"),
        Token("null"),
        Token("{ \"v\": 1, \"d\": \"phone-1\", \"u\": \"tech1\", \"b\": { \"workorder\": "),
        // nulls where values belong
        Edit("\"d\": \"phone-1\"", "\"d\": null"),
        Edit("\"u\": \"tech1\"", "\"u\": null"),
        Token("""{ "v": 1, "d": "phone-1", "u": "tech1", "b": null }"""),
        Edit("\"workorder\": {", "\"workorder\": null, \"x\": {"),
        Edit("\"s\": \"s|field-service-mobile\"", "\"s\": null"),
        // ids, scopes and table names that are not valid
        Edit("\"d\": \"phone-1\"", "\"d\": \"a/b\""),
        Edit("\"d\": \"phone-1\"", "\"d\": \"\""),
        Edit("\"u\": \"tech1\"", "\"u\": \"" + new string('u', 129) + "\""),
        Edit("\"s\": \"s|field-service-mobile\"", "\"s\": \"x|field-service-mobile\""),
        Edit("\"s\": \"s|field-service-mobile\"", "\"s\": \"s|\""),
        Edit("\"s\": \"s|field-service-mobile\"", "\"s\": \"s|Field/Service\""),
        Edit("\"s\": \"s|field-service-mobile\"", "\"s\": \"s|ok\\n\""),
        Edit("\"s\": \"u|tech1\"", "\"s\": \"u|tech2\""),
        Edit("\"s\": \"u|tech1\"", "\"s\": \"u|\""),
        Edit("\"workorder\":", "\"work/order\":"),
        Edit("\"workorder\":", "\"\":"),
        Edit("\"workorder\":", "\"workorder\\u0000\":"),
        Edit("\"pr\": \"0123456789abcdef\"", "\"pr\": \"" + new string('a', 65) + "\""),
        Edit("\"pr\": \"0123456789abcdef\"", "\"pr\": \"\\ud800\""),
        // numbers negative, huge or of the wrong kind
        Edit("\"v\": 1", "\"v\": 2"),
        Edit("\"v\": 1", "\"v\": 0"),
        Edit("\"at\": 1780000000", "\"at\": -1"),
        Edit("\"at\": 1780000000", "\"at\": 9223372036854775807"),
        Edit("\"at\": 1780000000", "\"at\": 99999999999999999999999"),
        Edit("\"ps\": 3", "\"ps\": -3"),
        Edit("\"q\": 12", "\"q\": -1"),
        Edit("\"q\": 12", "\"q\": 9223372036854775807"),
        Edit("\"n\": 2", "\"n\": -2"),
        Edit("\"t\": 1780000000", "\"t\": 253402300800"),
        Edit("\"t\": 1780000000", "\"t\": -62135596801"),
        Edit("\"q\": 12", "\"q\": 1.5"),
        Edit("\"q\": 12", "\"q\": \"12\""),
        Edit("\"c\": true", "\"c\": 1"),
        // strings that are not text
        Edit("\"d\": \"phone-1\"", "\"d\": \"\\udc00\""),
    };

    [Theory]
    [MemberData(nameof(Forged))]
    public void TryDecode_ForgedToken_IsRejected(string token)
    {
        Assert.False(Checkpoint.TryDecode(token, out var checkpoint));
        Assert.Null(checkpoint);
    }

    [Fact]
    public void TryDecode_InvalidUtf8_IsRejected()
    {
        var bytes = Encoding.UTF8.GetBytes(ValidJson.Replace("phone-1", "phone-X", StringComparison.Ordinal));
        bytes[Array.IndexOf(bytes, (byte)'X')] = 0xFF;
        var token = Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

        Assert.False(Checkpoint.TryDecode(token, out _));
    }

    [Fact]
    public void TryDecode_TooManyBuckets_IsRejected()
    {
        var checkpoint = new Checkpoint { DeviceId = "phone-1", UserId = "tech1" };
        for (var i = 0; i <= Checkpoint.MaxBuckets; i++)
        {
            checkpoint.Buckets[$"table{i}"] = new BucketCheckpoint { Scope = "u|tech1" };
        }

        Assert.False(Checkpoint.TryDecode(checkpoint.Encode(), out _));
    }
}
