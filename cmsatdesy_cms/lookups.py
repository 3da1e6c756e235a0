"""`__in` on integer columns treats values beyond the column's range as matching nothing.

Django does this for `exact`, `gt`, `lt` and the like, but not for `in`: a form that checks a list
of ids (a multiple choice of co-authors, say) with a value such as 2**63 then fails with an
OverflowError on SQLite, where PostgreSQL finds nothing. With the values out of range dropped,
every database finds nothing and the form answers "not one of the available choices".
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db.models import IntegerField
from django.db.models.lookups import In


class IntegerFieldIn(In):
    def process_rhs(self, compiler: Any, connection: Any) -> Any:
        if self.rhs_is_direct_value():
            low, high = connection.ops.integer_field_range(self.lhs.output_field.get_internal_type())
            kept = [
                value
                for value in self.rhs
                if not isinstance(value, int)
                or ((low is None or value >= low) and (high is None or value <= high))
            ]
            if not kept and self.rhs:
                raise EmptyResultSet
            self.rhs = kept
        return super().process_rhs(compiler, connection)


def register() -> None:
    IntegerField.register_lookup(IntegerFieldIn)
