namespace RetentionPlaybooks.Gates.Binding;

internal enum BoundBinaryOperatorKind
{
    Equals,
    NotEquals,
    Less,
    LessOrEquals,
    Greater,
    GreaterOrEquals,
    In,
    Contains,
    Within,
    And,
    Or,
}
