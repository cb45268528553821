"""Limits on GraphQL documents: tokens at parse time, depth and aliases at validation time.

Built once per schema (from the settings), never per request: graphql-core validation results
are cached by (schema, document, rule classes), so a rule class built per request would make
every request a cache miss (what strawberry's QueryDepthLimiter and MaxAliasesLimiter do).

Depth and aliases are measured in one linear pass without recursion: fragments are measured
once each and reused (strawberry's limiters re-walk a fragment at every spread, so a few
hundred bytes of fragments spreading each other twice take seconds to validate), and field
nesting uses an explicit stack, so no document can exhaust the interpreter's recursion limit.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
    ValidationRule,
    parse,
)
from graphql.language.visitor import SKIP, VisitorAction


@dataclass(slots=True)
class _Shape:
    """One definition seen alone: its deepest field, its aliases, and where it spreads what."""

    depth: int = 0
    aliases: int = 0
    spreads: list[tuple[str, int]] = field(default_factory=list)


def _local_shape(selection_set: SelectionSetNode) -> _Shape:
    shape = _Shape()
    stack: list[tuple[SelectionSetNode, int]] = [(selection_set, 0)]
    while stack:
        current, level = stack.pop()
        for selection in current.selections:
            if isinstance(selection, FieldNode):
                shape.depth = max(shape.depth, level + 1)
                shape.aliases += selection.alias is not None
                if selection.selection_set is not None:
                    stack.append((selection.selection_set, level + 1))
            elif isinstance(selection, InlineFragmentNode):
                stack.append((selection.selection_set, level))
            elif isinstance(selection, FragmentSpreadNode):
                shape.spreads.append((selection.name.value, level))
    return shape


def _resolve_fragments(shapes: dict[str, _Shape], alias_cap: int) -> dict[str, tuple[int, int]]:
    """Each fragment's full (depth, aliases) with the fragments it spreads, each computed once.

    Iterative post-order over the spread graph; a cycle (reported by graphql-core's own
    NoFragmentCyclesRule) contributes nothing. Alias counts are capped to keep numbers small.
    """
    resolved: dict[str, tuple[int, int]] = {}
    in_progress: set[str] = set()
    for root in shapes:
        stack = [root]
        while stack:
            name = stack[-1]
            if name in resolved:
                stack.pop()
                continue
            pending = [
                target
                for target, _ in shapes[name].spreads
                if target in shapes and target not in resolved and target not in in_progress
            ]
            if name not in in_progress and pending:
                in_progress.add(name)
                stack.extend(pending)
                continue
            resolved[name] = _combine(shapes[name], resolved, alias_cap)
            in_progress.discard(name)
            stack.pop()
    return resolved


def _combine(
    shape: _Shape, fragments: dict[str, tuple[int, int]], alias_cap: int
) -> tuple[int, int]:
    depth, aliases = shape.depth, shape.aliases
    for name, level in shape.spreads:
        fragment_depth, fragment_aliases = fragments.get(name, (0, 0))
        depth = max(depth, level + fragment_depth)
        aliases = min(alias_cap, aliases + fragment_aliases)
    return depth, min(alias_cap, aliases)


class LimitError(GraphQLError):
    """A document refused for its size or shape (depth, aliases), not for its meaning."""


def build_operation_limits_rule(*, max_depth: int, max_aliases: int) -> type[ValidationRule]:
    """A validation rule rejecting operations deeper than ``max_depth`` or with too many aliases.

    Depth is the longest path of fields: ``{ countries { schools { name } } }`` is 3.
    Aliases are counted per spread: a fragment with 2 aliases spread 3 times counts 6.
    """

    class OperationLimitsRule(ValidationRule):
        def enter_document(self, node: DocumentNode, *_args: Any) -> VisitorAction:
            shapes = {
                definition.name.value: _local_shape(definition.selection_set)
                for definition in node.definitions
                if isinstance(definition, FragmentDefinitionNode)
            }
            fragments = _resolve_fragments(shapes, max_aliases + 1)
            aliases = 0
            for definition in node.definitions:
                if not isinstance(definition, OperationDefinitionNode):
                    continue
                depth, operation_aliases = _combine(
                    _local_shape(definition.selection_set), fragments, max_aliases + 1
                )
                aliases += operation_aliases
                if depth > max_depth:
                    name = f"'{definition.name.value}'" if definition.name else "The operation"
                    self.report_error(
                        LimitError(
                            f"{name} nests fields {depth} deep; at most {max_depth} are allowed.",
                            definition,
                        )
                    )
            if aliases > max_aliases:
                self.report_error(LimitError(f"The document has more than {max_aliases} aliases."))
            return SKIP

    return OperationLimitsRule


class DocumentParser:
    """graphql-core's parser with a token limit and an LRU cache of parsed documents.

    The HTTP layer parses first (to refuse mutations over GET before anything runs) and the
    schema's parse step reuses the same cached document, so a query is parsed once.
    """

    def __init__(self, *, max_tokens: int, cache_size: int = 512) -> None:
        self.max_tokens = max_tokens
        self.parse: Callable[[str], DocumentNode] = lru_cache(maxsize=cache_size)(self._parse)

    def _parse(self, query: str) -> DocumentNode:
        # Comments are counted separately: without a bound they would be free to send.
        return parse(query, max_lexical_tokens=self.max_tokens, max_comments=self.max_tokens)
