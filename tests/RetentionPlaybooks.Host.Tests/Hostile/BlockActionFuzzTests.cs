using System.Text;
using System.Text.Json.Nodes;
using CsCheck;
using RetentionPlaybooks.Host.Interactivity;

namespace RetentionPlaybooks.Host.Tests.Hostile;

/// <summary>
/// The interactivity reader on what a signed request could carry: random bytes, random forms, and block_actions payloads
/// with every field replaced by junk of every JSON type. It never throws; it either refuses with a reason or returns
/// actions whose ids, reasons and user ids are what the messages may quote (keys of letters, digits, - and _).
/// RP_FUZZ_ITERATIONS sets the length of a long run.
/// </summary>
[Trait("Category", "Fuzz")]
public sealed class BlockActionFuzzTests
{
    private static Gen<T> OneOf<T>(params T[] values) => Gen.Int[0, values.Length - 1].Select(i => values[i]);

    private static readonly string[] Tricky = ["E1", "E1|price", "|", "E1|", "U1", "rp_saved", "rp_lost", "<!channel>", "\ud800", new string('a', 100), "E1|Price!", "U1 U2"];

    private static readonly Gen<JsonNode?> Junk = Gen.Int[0, 6].SelectMany(kind => kind switch
    {
        0 => Gen.Int[0, 0].Select(_ => (JsonNode?)null),
        1 => Gen.Int.Select(i => (JsonNode?)JsonValue.Create(i)),
        2 => Gen.Bool.Select(b => (JsonNode?)JsonValue.Create(b)),
        3 => Gen.String.Select(s => (JsonNode?)JsonValue.Create(s)),
        4 => OneOf(Tricky).Select(s => (JsonNode?)JsonValue.Create(s)),
        5 => Gen.Int[0, 0].Select(_ => (JsonNode?)new JsonArray()),
        _ => Gen.Int[0, 0].Select(_ => (JsonNode?)new JsonObject()),
    });

    private static readonly Gen<JsonObject> Action = Gen.Select(
        OneOf("rp_acknowledge", "rp_saved", "rp_lost", "other"), Junk, Junk, Junk, Gen.Bool,
        (id, value, ts, option, drop) =>
        {
            var o = new JsonObject { ["action_id"] = id, ["value"] = value?.DeepClone(), ["action_ts"] = drop ? null : ts?.DeepClone() ?? "1.1" };
            if (option is not null) o["selected_option"] = new JsonObject { ["value"] = option.DeepClone() };
            return o;
        });

    private static readonly Gen<byte[]> Payloads = Gen.Select(
        OneOf("block_actions", "shortcut", ""), Junk, Junk, Action.Array[0, 4], Gen.Bool,
        (type, team, user, actions, asJunk) =>
        {
            var payload = new JsonObject
            {
                ["type"] = type,
                ["team"] = asJunk ? team?.DeepClone() : new JsonObject { ["id"] = team?.DeepClone() ?? "T1" },
                ["user"] = new JsonObject { ["id"] = user?.DeepClone() ?? "U1" },
                ["response_url"] = "https://hooks.slack.com/actions/x",
                ["actions"] = new JsonArray([.. actions]),
            };
            return Encoding.UTF8.GetBytes("payload=" + Uri.EscapeDataString(payload.ToJsonString()));
        });

    private static readonly Gen<byte[]> Bodies = Gen.Int[0, 3].SelectMany(kind => kind switch
    {
        0 => Gen.Byte.Array[0, 200],
        1 => Gen.String.Select(s => Encoding.UTF8.GetBytes(s)),
        _ => Payloads,
    });

    [Fact]
    public void Reader_NeverThrows_AndWhatItReturnsIsSafeToQuote()
    {
        Bodies.Sample(body =>
        {
            var ok = BlockActionReader.TryRead(body, _ => true, out _, out var actions, out var error);
            Assert.True(ok || error is { Length: > 0 });
            foreach (var a in actions)
            {
                Assert.Matches("^[A-Za-z0-9_-]{1,64}$", a.EscalationId);
                Assert.Matches("^[A-Za-z0-9]{1,32}$", a.UserId);
                if (a.Reason is not null) Assert.Matches("^[A-Za-z0-9_-]{1,40}$", a.Reason);
                Assert.NotEmpty(a.ActionTs);
            }
        }, iter: FuzzSettings.Iterations(null, 20_000), seed: FuzzSettings.Seed);
    }
}
