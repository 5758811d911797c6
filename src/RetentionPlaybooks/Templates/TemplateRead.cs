using RetentionPlaybooks.DataModel;
using RetentionPlaybooks.Text;

namespace RetentionPlaybooks.Templates;

/// <summary>
/// One data path a template reads. <see cref="Field"/> is null for roots and built-in members
/// (<c>trigger.from</c>, <c>links.shop_order</c>); <see cref="Printed"/> is true when the value can reach the output.
/// </summary>
internal readonly record struct TemplateRead(string Path, FieldSymbol? Field, SourceLocation Location, bool Printed);
