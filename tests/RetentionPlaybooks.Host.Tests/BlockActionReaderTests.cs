using System.Text;
using System.Text.Json.Nodes;
using RetentionPlaybooks.Host.Interactivity;

namespace RetentionPlaybooks.Host.Tests;

/// <summary>Reading Slack's block_actions form, value by value, at every limit.</summary>
public sealed class BlockActionReaderTests
{
    private static JsonObject Payload(params JsonObject[] actions) => new()
    {
        ["type"] = "block_actions",
        ["team"] = new JsonObject { ["id"] = "T1" },
        ["user"] = new JsonObject { ["id"] = "U1" },
        ["response_url"] = "https://hooks.slack.com/actions/T1/1/x",
        ["actions"] = new JsonArray([.. actions]),
    };

    private static JsonObject Button(string actionId, string value, string ts = "1.1") => new() { ["action_id"] = actionId, ["action_ts"] = ts, ["value"] = value };

    private static byte[] Form(JsonObject payload) => Encoding.UTF8.GetBytes("payload=" + Uri.EscapeDataString(payload.ToJsonString()));

    private static (bool Ok, string? Team, IReadOnlyList<BlockAction> Actions, string? Error) Read(byte[] body, bool allowUrl = true)
    {
        var ok = BlockActionReader.TryRead(body, _ => allowUrl, out var team, out var actions, out var error);
        return (ok, team, actions, error);
    }

    [Fact]
    public void EachOfOurButtons_BecomesItsAction_InOrder_OtherAppsElementsAreSkipped()
    {
        var (ok, team, actions, error) = Read(Form(Payload(
            Button(BlockActionReader.AcknowledgeId, "E1", "1.1"),
            Button("another_apps_button", "whatever <!channel>"),
            Button(BlockActionReader.SavedId, "E2", "1.2"),
            Button(BlockActionReader.LostId, "E3|price", "1.3"))));

        Assert.True(ok, error);
        Assert.Equal("T1", team);
        Assert.Equal([
            new BlockAction("T1", "U1", CaseAction.Acknowledge, "E1", null, "1.1", "https://hooks.slack.com/actions/T1/1/x"),
            new BlockAction("T1", "U1", CaseAction.Saved, "E2", null, "1.2", "https://hooks.slack.com/actions/T1/1/x"),
            new BlockAction("T1", "U1", CaseAction.Lost, "E3", "price", "1.3", "https://hooks.slack.com/actions/T1/1/x"),
        ], actions);
    }

    private static JsonObject Menu(string? chosen, string ts = "2.1")
    {
        var menu = new JsonObject { ["action_id"] = BlockActionReader.CaseMenuId, ["action_ts"] = ts, ["type"] = "static_select" };
        if (chosen is not null) menu["selected_option"] = new JsonObject { ["value"] = chosen };
        return menu;
    }

    [Fact]
    public void ADigestLinesMenu_ReadsEachOption_AsItsAction()
    {
        var (ok, _, actions, error) = Read(Form(Payload(Menu("ack|E1", "2.1"), Menu("saved|E2", "2.2"), Menu("lost|E3|out_of_stock", "2.3"), Menu("lost|E4", "2.4"))));

        Assert.True(ok, error);
        Assert.Equal([
            new BlockAction("T1", "U1", CaseAction.Acknowledge, "E1", null, "2.1", "https://hooks.slack.com/actions/T1/1/x"),
            new BlockAction("T1", "U1", CaseAction.Saved, "E2", null, "2.2", "https://hooks.slack.com/actions/T1/1/x"),
            new BlockAction("T1", "U1", CaseAction.Lost, "E3", "out_of_stock", "2.3", "https://hooks.slack.com/actions/T1/1/x"),
            // Lost without a reason is read; the case rules then refuse it (UnknownReason) and tell whoever clicked.
            new BlockAction("T1", "U1", CaseAction.Lost, "E4", null, "2.4", "https://hooks.slack.com/actions/T1/1/x"),
        ], actions);
    }

    [Theory]
    [InlineData(null, "the rp_case_menu action's option is not one of ours")]
    [InlineData("", "the rp_case_menu action's option is not one of ours")]
    [InlineData("E1", "the rp_case_menu action's option is not one of ours")]
    [InlineData("delete|E1", "the rp_case_menu action's option is not one of ours")]
    [InlineData("|E1", "the rp_case_menu action's option is not one of ours")]
    [InlineData("ack|", "the rp_case_menu action's value is not an escalation id")]
    [InlineData("ack|E1|price", "the rp_case_menu action's value is not an escalation id")]
    [InlineData("saved|E1 <!channel>", "the rp_case_menu action's value is not an escalation id")]
    [InlineData("lost|E1|Price!", "the rp_case_menu action's reason is not a reason key")]
    public void ADigestLinesMenu_WithAnOptionThatIsNotOurs_IsRefusedWithTheReason(string? chosen, string expected)
    {
        var (ok, _, actions, error) = Read(Form(Payload(Menu(chosen))));

        Assert.False(ok);
        Assert.Empty(actions);
        Assert.Equal(expected, error);
    }

    [Fact]
    public void AButton_ReadsItsValue_EvenBesideAChosenOptionItShouldNotHave()
    {
        var saved = new JsonObject
        {
            ["action_id"] = BlockActionReader.SavedId, ["action_ts"] = "3.1", ["value"] = "E1",
            ["selected_option"] = new JsonObject { ["value"] = "E2" },
        };

        var (ok, _, actions, error) = Read(Form(Payload(saved)));

        Assert.True(ok, error);
        Assert.Equal("E1", actions[0].EscalationId);
    }

    [Fact]
    public void Lost_WithNeitherAChosenOptionNorAValue_IsRefused_NotAnError()
    {
        var lost = new JsonObject { ["action_id"] = BlockActionReader.LostId, ["action_ts"] = "3.2" };

        var (ok, _, actions, error) = Read(Form(Payload(lost)));

        Assert.False(ok);
        Assert.Empty(actions);
        Assert.Equal("the rp_lost action's value is not an escalation id", error);
    }

    [Fact]
    public void Lost_FromASelect_ReadsTheChosenOption_OverTheElementsValue()
    {
        var select = new JsonObject
        {
            ["action_id"] = BlockActionReader.LostId, ["action_ts"] = "1.1", ["value"] = "E0|other",
            ["selected_option"] = new JsonObject { ["value"] = "E9|competitor" },
        };

        var (ok, _, actions, _) = Read(Form(Payload(select)));

        Assert.True(ok);
        Assert.Equal(("E9", "competitor"), (actions[0].EscalationId, actions[0].Reason));
    }

    [Fact]
    public void Lost_WithoutAReason_IsLostWithNone_AReasonOnAnotherButtonIsPartOfTheValue()
    {
        var (lostOk, _, lost, _) = Read(Form(Payload(Button(BlockActionReader.LostId, "E1"))));
        var (savedOk, _, _, savedError) = Read(Form(Payload(Button(BlockActionReader.SavedId, "E1|price"))));

        Assert.True(lostOk);
        Assert.Equal(("E1", null), (lost[0].EscalationId, lost[0].Reason));
        Assert.False(savedOk);
        Assert.Equal("the rp_saved action's value is not an escalation id", savedError);
    }

    [Theory]
    [InlineData(64, true)]
    [InlineData(65, false)]
    public void EscalationId_UpTo64Characters(int length, bool ok)
    {
        Assert.Equal(ok, Read(Form(Payload(Button(BlockActionReader.SavedId, new string('A', length))))).Ok);
    }

    [Theory]
    [InlineData(40, true)]
    [InlineData(41, false)]
    [InlineData(0, false)]
    public void Reason_UpTo40Characters_NotEmpty(int length, bool ok)
    {
        Assert.Equal(ok, Read(Form(Payload(Button(BlockActionReader.LostId, "E1|" + new string('r', length))))).Ok);
    }

    [Theory]
    [InlineData("E-1_a")]
    [InlineData("01JABCDEFGHJKMNPQRSTVWXYZ0")]
    public void EscalationId_LettersDigitsDashAndUnderscore_AreTaken(string value)
    {
        Assert.True(Read(Form(Payload(Button(BlockActionReader.AcknowledgeId, value)))).Ok);
    }

    [Theory]
    [InlineData("")]
    [InlineData("E 1")]
    [InlineData("E1|")]
    [InlineData("é1")]
    [InlineData("E1/../x")]
    public void EscalationId_AnythingElse_IsRefused(string value)
    {
        Assert.False(Read(Form(Payload(Button(BlockActionReader.AcknowledgeId, value)))).Ok);
    }

    [Fact]
    public void AResponseUrlThatIsNotSlacks_IsDropped_TheClickStillCounts()
    {
        var (ok, _, actions, _) = Read(Form(Payload(Button(BlockActionReader.SavedId, "E1"))), allowUrl: false);

        Assert.True(ok);
        Assert.Null(actions[0].ResponseUrl);
    }

    [Fact]
    public void AnActionEntryThatIsNotAnObject_IsRefused()
    {
        var payload = Payload();
        payload["actions"] = new JsonArray(JsonValue.Create("rp_saved"));

        Assert.Equal((false, "an entry of \"actions\" is not an object"), (Read(Form(payload)).Ok, Read(Form(payload)).Error));
    }

    [Fact]
    public void NotUtf8_IsRefused_BeforeAnythingIsRead()
    {
        var (ok, team, _, error) = Read([(byte)'p', (byte)'=', 0xFF, 0xFE]);

        Assert.Equal((false, null, "the body is not valid UTF-8"), (ok, team, error));
    }

    [Fact]
    public void NonStringValues_AreMissingValues()
    {
        var payload = Payload(new JsonObject { ["action_id"] = BlockActionReader.SavedId, ["action_ts"] = 1.5, ["value"] = "E1" });
        payload["user"] = new JsonObject { ["id"] = 42 };

        Assert.Equal("the payload has no user.id", Read(Form(payload)).Error);
        payload["user"] = new JsonObject { ["id"] = "U1" };
        Assert.Equal("the rp_saved action has no action_ts", Read(Form(payload)).Error);
    }

    [Theory]
    [InlineData("U1", true)]
    [InlineData("W0123456789ABCDEFGHIJKLMNOPQRSTU", true)]    // 32 characters: the longest accepted
    [InlineData("W0123456789ABCDEFGHIJKLMNOPQRSTUV", false)]  // 33
    [InlineData("U12-34", false)]
    [InlineData("U1<@x>", false)]
    [InlineData("-", false)]
    public void TheUserId_IsLettersAndDigits_AtMost32(string user, bool ok)
    {
        var payload = Payload(Button(BlockActionReader.SavedId, "E1"));
        payload["user"] = new JsonObject { ["id"] = user };

        var read = Read(Form(payload));

        Assert.Equal(ok, read.Ok);
        if (!ok) Assert.Equal("the payload's user.id is not a Slack user id", read.Error);
        else Assert.Equal(user, Assert.Single(read.Actions).UserId);
    }

    [Fact]
    public void NoBlockActions_TheTeamIsStillReported_ForTheWorkspaceCheck()
    {
        var (ok, team, actions, _) = Read(Form(new JsonObject { ["type"] = "view_submission", ["team"] = new JsonObject { ["id"] = "T9" } }));

        Assert.Equal((true, "T9", 0), (ok, team, actions.Count));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void ActionsThatAreMissing_OrNotAList_AreRefused(bool asObject)
    {
        var payload = Payload();
        if (asObject) payload["actions"] = new JsonObject { ["action_id"] = BlockActionReader.SavedId };
        else payload.Remove("actions");

        Assert.Equal((false, "the payload has no \"actions\" array"), (Read(Form(payload)).Ok, Read(Form(payload)).Error));
    }

    [Fact]
    public void APayloadNested64Deep_IsRead_65IsRefused_AsNotJson()
    {
        static JsonObject Nested(int depth)
        {
            var payload = Payload(Button(BlockActionReader.SavedId, "E1"));
            JsonNode inner = new JsonObject();
            // The payload object is level 1 and the extra key's object level 2: (depth - 1) objects under it in all.
            for (var i = 2; i < depth; i++) inner = new JsonObject { ["x"] = inner };
            payload["extra"] = inner;
            return payload;
        }

        Assert.True(Read(Form(Nested(64))).Ok, Read(Form(Nested(64))).Error);
        Assert.Equal((false, "\"payload\" is not JSON"), (Read(Form(Nested(65))).Ok, Read(Form(Nested(65))).Error));
    }

    [Fact]
    public void ASavedButtonsValueWithABar_IsTheEscalationIdAsItIs_NotAReason()
    {
        var (ok, _, actions, error) = Read(Form(Payload(Button(BlockActionReader.SavedId, "E1|price"))));

        Assert.False(ok && actions.Single() is { Reason: not null }, error);
    }

    [Fact]
    public void ALostValueStartingWithABar_HasNoEscalationId_AndIsRefused()
    {
        var (ok, _, _, error) = Read(Form(Payload(Button(BlockActionReader.LostId, "|price"))));

        Assert.False(ok);
        Assert.NotNull(error);
    }
}
