using Microsoft.OData.UriParser;

namespace FieldSync.Core.Online;

/// <summary>
/// A top-level conjunct of a <c>$filter</c> comparing a key column (<c>id</c> or an indexed column) with a value the server
/// knows before reading any row: a literal, a parameter or <c>now()</c>. Written with the column on the left.
/// </summary>
/// <param name="Value">The compared value in the column's own type, for the caller and the moment; null when nothing can match.</param>
internal sealed record KeyCondition(string Column, BinaryOperatorKind Operator, Func<Profiles.FilterContext, object?> Value);
