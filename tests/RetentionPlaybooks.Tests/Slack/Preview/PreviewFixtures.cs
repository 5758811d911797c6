using System.Text.Json.Nodes;
using RetentionPlaybooks.Slack.BlockKit;
using RetentionPlaybooks.Slack.Preview;

namespace RetentionPlaybooks.Tests.Slack.Preview;

/// <summary>
/// Message bodies shaped like the renderer's output, including one built from hostile customer data, read into the
/// model as a body from outside would be (<see cref="BlockKitReader"/>).
/// </summary>
internal static class PreviewFixtures
{
    public const string VipCartJson = """
        { "channel": "C07VIPSAVES", "text": "VIP cart abandoned: $184.00", "unfurl_links": false, "unfurl_media": false,
          "blocks": [
            {"type":"header","text":{"type":"plain_text","text":"VIP cart abandoned: $184.00","emoji":true}},
            {"type":"section","fields":[{"type":"mrkdwn","text":"*Customer*\nMaria"},{"type":"mrkdwn","text":"*Cart*\n2 items, $184.00"}]},
            {"type":"section","text":{"type":"mrkdwn","text":"*Next step:* Send a personal note &lt;soon&gt;"}},
            {"type":"actions","block_id":"links","elements":[{"type":"button","text":{"type":"plain_text","text":"Customer.io profile"},"url":"https://fly.customer.io/workspaces/1/journeys/people/abc/activity","action_id":"link_0"}]},
            {"type":"actions","block_id":"outcome","elements":[
              {"type":"button","text":{"type":"plain_text","text":"Acknowledge"},"style":"primary","action_id":"ack","value":"esc_123"},
              {"type":"button","text":{"type":"plain_text","text":"Not worth saving"},"style":"danger","action_id":"dismiss","value":"esc_123"}]},
            {"type":"context","elements":[{"type":"mrkdwn","text":"Playbook *vip-cart-abandonment* · Owner <@U07RETLEAD> · SLA 2h · 42 min ago"}]}
          ] }
        """;

    /// <summary>Customer data that tries to inject HTML, a disguised script link and a channel ping, escaped as the renderer does.</summary>
    public const string HostileJson = """
        { "channel": "C07WINBACK", "text": "Win back &lt;script&gt;alert(1)&lt;/script&gt;",
          "blocks": [
            {"type":"header","text":{"type":"plain_text","text":"Win back <b>Tom</b> & Jerry","emoji":true}},
            {"type":"section","fields":[{"type":"mrkdwn","text":"*Customer*\n&lt;script&gt;alert(1)&lt;/script&gt;"},{"type":"mrkdwn","text":"*Company*\nA &amp; B &lt;!channel&gt;"}]},
            {"type":"section","text":{"type":"mrkdwn","text":"See <javascript:alert(1)|Refund> and <https://example.com/a_b?x=1&amp;y=2|the order> for <#C07VIPSAVES|vip-saves> <!here>"}},
            {"type":"actions","elements":[{"type":"button","text":{"type":"plain_text","text":"Open"},"url":"javascript:alert(2)","action_id":"link_0"}]},
            {"type":"context","elements":[{"type":"mrkdwn","text":"Owner <@U07RETLEAD> \"quoted\" 'single'"}]}
          ] }
        """;

    public static BlockKitMessage VipCart() => Parse(VipCartJson);

    public static BlockKitMessage Hostile() => Parse(HostileJson);

    public static BlockKitMessage Parse(string json) => BlockKitReader.Read(Json(json));

    public static JsonObject Json(string json) => JsonNode.Parse(json)!.AsObject();

    public static IReadOnlyList<PreviewItem> Items() =>
    [
        new("vip-cart-abandonment", "cart over $100", "C07VIPSAVES", VipCart(), "Maria is a VIP with 2 items"),
        new("vip-cart-abandonment", "cart | pipes", "C07VIPSAVES", VipCart(), null),
        new("winback \"<b>x</b>\"", "hostile <img src=x onerror=alert(1)>", "C07WINBACK", Hostile(), "<i>note</i>"),
    ];
}
