using FieldSync.Core.Records;

namespace FieldSync.Core.Profiles;

/// <summary>
/// How a table rule selects a row, the same everywhere the question is asked (the feed's per-record evaluation and
/// the push's judgement on current records): all rows, the filter, or — for a related table — its own filter and then
/// any relationship that <c>related</c> answers for. Only how a relationship is looked up differs between callers.
/// </summary>
public static class RuleSelection
{
    public static async Task<bool> SelectsAsync(TableRule rule, Record record, FilterContext context, Func<Relationship, Task<bool>> related)
    {
        switch (rule.Download)
        {
            case DownloadMode.All:
                return true;
            case DownloadMode.Filter:
                return rule.Filter!.Evaluate(record, context);
            case DownloadMode.Related:
                if (rule.Filter is { } extra && !extra.Evaluate(record, context))
                {
                    return false;
                }
                foreach (var relationship in rule.RelatedTo)
                {
                    if (await related(relationship))
                    {
                        return true;
                    }
                }
                return false;
            default:
                return false;
        }
    }
}
