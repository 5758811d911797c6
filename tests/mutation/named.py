#!/usr/bin/env python3
"""The mutants issue #8 names, each applied alone to a scratch copy of the repository, with the tests said to kill it.

    tests/mutation/named.py [ID...]

For each mutant: the scratch copy is reset, the one change is applied (the exact text must be found once, or the
script stops: the code moved and the list needs updating), the named tests run, and they must FAIL. Prints one line
per mutant (killed / SURVIVED) and exits 1 if any survived. Takes about a minute per mutant on a 2-core machine.
"""
import os
import shutil
import subprocess
import sys
import tempfile

HOST = "tests/RetentionPlaybooks.Host.Tests"
CORE = "tests/RetentionPlaybooks.Tests"

# id, what it does, file, exact text, replacement, test project, test filter (the named tests)
MUTANTS = [
    ("signature-prefix", "HMAC signatures compared by prefix only, so 'sha256=' alone authenticates",
     "src/RetentionPlaybooks.Host/Webhooks/WebhookRequest.cs",
     "return CryptographicOperations.FixedTimeEquals(presented, expected);",
     "return expected.AsSpan().StartsWith(presented);",
     HOST, "FullyQualifiedName~WebhookRequestTests.ReportingSignature_TruncatedExtendedAlteredOrOverOtherBytes_DoesNotMatch"),
    ("secret-prefix", "the Journey secret compared by prefix only",
     "src/RetentionPlaybooks.Host/Webhooks/WebhookRequest.cs",
     "CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(presented), Encoding.UTF8.GetBytes(expected));",
     "expected.StartsWith(presented, StringComparison.Ordinal);",
     HOST, "FullyQualifiedName~WebhookRequestTests.SecretMatches_OnlyTheWholeSecret"),
    ("cooldown-le", "cooldown '<' changed to '<=': still suppressed at exactly the cooldown",
     "src/RetentionPlaybooks/Pipeline/GuardrailChecker.cs",
     "now - at < cooldown", "now - at <= cooldown",
     HOST, "FullyQualifiedName~GuardrailTests.Cooldown_SameCustomer_SuppressedUntilTheCooldownHasPassed_ThenEscalatesAgain"),
    ("cooldown-never-expires", "the cooldown never expires",
     "src/RetentionPlaybooks/Pipeline/GuardrailChecker.cs",
     "if (last is { } at && now - at < cooldown)", "if (last is { } at)",
     HOST, "FullyQualifiedName~GuardrailTests.Cooldown_SameCustomer_SuppressedUntilTheCooldownHasPassed_ThenEscalatesAgain"),
    ("daily-cap-365-days", "the daily cap counts 365 days instead of 24 hours",
     "src/RetentionPlaybooks/Pipeline/GuardrailChecker.cs",
     "history.CountSinceAsync(channel.SlackTarget, playbook.Id, since, ct)",
     "history.CountSinceAsync(channel.SlackTarget, playbook.Id, now - TimeSpan.FromDays(365), ct)",
     HOST, "FullyQualifiedName~GuardrailTests.DailyCap_CountsTheLast24HoursExactly"),
    ("channel-budget-365-days", "the channel budget counts 365 days instead of 24 hours",
     "src/RetentionPlaybooks/Pipeline/GuardrailChecker.cs",
     "history.CountSinceAsync(channel.SlackTarget, null, since, ct)",
     "history.CountSinceAsync(channel.SlackTarget, null, now - TimeSpan.FromDays(365), ct)",
     HOST, "FullyQualifiedName~GuardrailTests.ChannelBudget_FreesAfter24Hours_AndCountsOtherPlaybooksInTheChannel"),
    ("body-limit-plus-one", "the body limit '> limit' changed to '> limit + 1' (Content-Length bodies)",
     "src/RetentionPlaybooks.Host/Webhooks/WebhookRequest.cs",
     "if (request.ContentLength > limit) return null;", "if (request.ContentLength > limit + 1) return null;",
     HOST, "FullyQualifiedName~WebhookRequestTests.ReadBodyAsync_WithLength_AtTheLimitRead_OverItRefused"),
    ("chunked-limit-plus-one", "the body limit '> limit' changed to '> limit + 1' (chunked bodies)",
     "src/RetentionPlaybooks.Host/Webhooks/WebhookRequest.cs",
     "if (buffer.Length + read > limit) return null;", "if (buffer.Length + read > limit + 1) return null;",
     HOST, "FullyQualifiedName~WebhookRequestTests.ReadBodyAsync_Chunked_AtTheLimitRead_OverItRefused"),
    ("chunked-limit-deleted", "the size check of chunked bodies deleted",
     "src/RetentionPlaybooks.Host/Webhooks/WebhookRequest.cs",
     "if (buffer.Length + read > limit) return null;", "",
     HOST, "FullyQualifiedName~WebhookRequestTests.ReadBodyAsync_Chunked_AtTheLimitRead_OverItRefused"),
    ("mrkdwn-fast-path-gt", "the mrkdwn escaping fast path skips text that holds only '>'",
     "src/RetentionPlaybooks/Templates/Mrkdwn.cs",
     "IndexOfAny('&', '<', '>')", "IndexOfAny('&', '<')",
     CORE, "FullyQualifiedName~MrkdwnEscapingTests"),
    ("gate-missing-le-constant", "the missing-value rule dropped for '<=' against a constant (missing ltv <= 100 is true)",
     "src/RetentionPlaybooks/Gates/Compiling/GateEmitter.cs",
     "BoundBinaryOperatorKind.LessOrEquals => r => r.Slots[slot].Kind != TypeKind.Error && r.Slots[slot].AsNumber <= c,",
     "BoundBinaryOperatorKind.LessOrEquals => r => r.Slots[slot].AsNumber <= c,",
     CORE, "FullyQualifiedName~GateSemanticsTests"),
    ("gate-missing-gt-constant", "the missing-value rule dropped for '>' against a constant",
     "src/RetentionPlaybooks/Gates/Compiling/GateEmitter.cs",
     "BoundBinaryOperatorKind.Greater => r => r.Slots[slot].Kind != TypeKind.Error && r.Slots[slot].AsNumber > c,",
     "BoundBinaryOperatorKind.Greater => r => r.Slots[slot].AsNumber > c,",
     CORE, "FullyQualifiedName~GateSemanticsTests"),
    ("gate-missing-ge-constant", "the missing-value rule dropped for '>=' against a constant",
     "src/RetentionPlaybooks/Gates/Compiling/GateEmitter.cs",
     "BoundBinaryOperatorKind.GreaterOrEquals => r => r.Slots[slot].Kind != TypeKind.Error && r.Slots[slot].AsNumber >= c,",
     "BoundBinaryOperatorKind.GreaterOrEquals => r => r.Slots[slot].AsNumber >= c,",
     CORE, "FullyQualifiedName~GateSemanticsTests"),
    ("block-kit-trim-lt", "Block Kit trimming '<=' changed to '<' (text exactly at the limit cut)",
     "src/RetentionPlaybooks/Slack/BlockKitLimits.cs",
     "if (text.Length <= limit) return text;", "if (text.Length < limit) return text;",
     CORE, "FullyQualifiedName~MessageRendererTests.Trim_AtTheLimitKeepsTheText_OneOverCutsToTheLimit"),
    ("pii-plan-ignores-playbook", "the render plan ignores the playbook's PII allow-list (channel's only)",
     "src/RetentionPlaybooks/Slack/RenderPlan.cs",
     "new HashSet<string>(playbook.Pii.Where(channel.AllowedPii.Contains), StringComparer.Ordinal)",
     "new HashSet<string>(channel.AllowedPii, StringComparer.Ordinal)",
     CORE, "FullyQualifiedName~PiiLayerTests.RenderPlan_AllowsOnlyWhatThePlaybookAndTheChannelBothAllow"),
    ("pii-render-check-ignores-playbook", "the check as a template reads ignores the playbook's PII policy (channel's only)",
     "src/RetentionPlaybooks/Slack/RenderPlan.cs",
     "public bool Allows(string? pii) => pii is null || (Playbook.Contains(pii) && Channel.Contains(pii));",
     "public bool Allows(string? pii) => pii is null || Channel.Contains(pii);",
     CORE, "FullyQualifiedName~MessageRendererTests.Render_TemplateThatPrintsEmail_ShowsNothingWhenThePlaybooksOwnPolicyLeavesEmailOut"),
]


def run(cmd, cwd, **kw):
    return subprocess.run(cmd, cwd=cwd, text=True, capture_output=True, **kw)


def main():
    repo = run(["git", "rev-parse", "--show-toplevel"], os.path.dirname(os.path.abspath(__file__))).stdout.strip()
    wanted = set(sys.argv[1:])
    unknown = wanted - {m[0] for m in MUTANTS}
    if unknown:
        sys.exit("unknown mutant(s): " + ", ".join(sorted(unknown)))
    scratch = os.path.join(tempfile.mkdtemp(prefix="rp-named-mutants-"), "repo")
    # A copy of the working tree as it is (committed or not), without build output.
    shutil.copytree(repo, scratch, symlinks=True, ignore=shutil.ignore_patterns("bin", "obj", "artifacts", ".git", "TestResults"))
    survived = []
    for ident, what, path, old, new, project, test_filter in MUTANTS:
        if wanted and ident not in wanted:
            continue
        file = os.path.join(scratch, path)
        with open(os.path.join(repo, path), encoding="utf-8") as f:
            original = f.read()
        if original.count(old) != 1:
            sys.exit(f"{ident}: the text to mutate is found {original.count(old)} times in {path}; update tests/mutation/named.py")
        with open(file, "w", encoding="utf-8") as f:
            f.write(original.replace(old, new))
        try:
            result = run(["dotnet", "test", project, "--filter", test_filter, "-v", "q", "--nologo"], scratch)
        finally:
            with open(file, "w", encoding="utf-8") as f:
                f.write(original)
        output = result.stdout + result.stderr
        if "error CS" in output:
            sys.exit(f"{ident}: the mutant does not compile:\n{output[-3000:]}")
        if result.returncode != 0 and "Failed:" in output:
            print(f"killed    {ident}: {what}\n          by {test_filter}", flush=True)
        elif "No test matches" in output or "Total:     0" in output:
            sys.exit(f"{ident}: no test matches {test_filter}")
        else:
            print(f"SURVIVED  {ident}: {what}\n          {test_filter} passed with the mutant", flush=True)
            survived.append(ident)
    shutil.rmtree(os.path.dirname(scratch))
    print(f"{len(survived)} survived" if survived else "all killed")
    sys.exit(1 if survived else 0)


if __name__ == "__main__":
    main()
