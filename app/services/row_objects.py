"""ORM objects made from a Core row's columns, the way the ORM's own loading makes them.

Why: every respondent page and form post loads the same seven rows in one query (browser
session, response, round, organisation, project, questionnaire version, invitation). The
query takes about 20 microseconds in the driver, but the ORM builds its row processors anew on
every execution, per entity and per column (``sqlalchemy.orm.loading._instance_processor``),
which made that one load about 180 microseconds and the largest part of a step page's own
work. Selecting the same columns as a Core statement and making the objects here costs less
than half as much, and allocates far less (so the garbage collector runs less often).

The objects are what a query would have given: persistent in the session, in its identity
map, nothing modified, so that changing one and flushing writes an UPDATE as usual, and
:meth:`sqlmodel.Session.get` finds it without a query. An object already in the identity map is
returned as it is (as a query without ``populate_existing`` does). Columns left out
(``deferred``, such as a version's definition JSON) are expired: reading one loads it.

This follows what ``sqlalchemy.orm.loading`` does for a new row (``_add_unpresent`` and the
instance state's ``key`` and ``session_id``: SQLAlchemy internals);
``tests/services/test_row_objects.py`` checks the result against objects the ORM loaded, so a
SQLAlchemy release that changes them fails there rather than in production.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import Any, Generic, TypeVar

from sqlalchemy import Column, Table
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.orm import Mapper, attributes
from sqlmodel import Session, SQLModel

Model = TypeVar("Model", bound=SQLModel)


class Entity(Generic[Model]):
    """One table model's columns in a Core select (:attr:`columns`, in the table's order, less
    ``deferred``; :attr:`table` to join) and the object a row's slice of them makes
    (:meth:`instance`)."""

    def __init__(self, model: type[Model], *, deferred: Collection[str] = ()) -> None:
        table: Table = model.__table__  # type: ignore[attr-defined]
        self.table = table
        self._mapper: Mapper[Model] = sa_inspect(model)
        unknown = set(deferred) - set(table.columns.keys())
        if unknown:
            raise ValueError(f"{model.__name__} has no column {sorted(unknown)}")
        self.columns: tuple[Column[Any], ...] = tuple(
            column for column in table.columns if column.key not in deferred
        )
        self._keys = tuple(column.key for column in self.columns)
        self._deferred = frozenset(deferred)
        (primary_key,) = table.primary_key.columns  # one integer id, as every model has
        self._id_at = self._keys.index(primary_key.key)

    @property
    def width(self) -> int:
        """How many of a row's values are this entity's."""
        return len(self._keys)

    def instance(self, session: Session, values: Sequence[Any]) -> Model | None:
        """The persistent object of these column values (the entity's slice of a row, in
        :attr:`columns`' order), or None when its id is NULL (an outer join found no row)."""
        ident = values[self._id_at]
        if ident is None:
            return None
        key = self._mapper.identity_key_from_primary_key((ident,))
        found: Model | None = session.identity_map.get(key)
        if found is not None:
            return found
        made: Model = self._mapper.class_manager.new_instance()
        made.__dict__.update(zip(self._keys, values, strict=True))
        state = attributes.instance_state(made)
        if self._deferred:
            state.expired_attributes.update(self._deferred)
        state.key = key
        state.identity_token = None
        state.session_id = session.hash_key
        session.identity_map._add_unpresent(state, key)
        return made


def instances(session: Session, entities: Sequence[Entity[Any]], row: Sequence[Any]) -> list[Any]:
    """The objects of one row that selected each entity's :attr:`Entity.columns` in turn."""
    found: list[Any] = []
    start = 0
    for entity in entities:
        found.append(entity.instance(session, row[start : start + entity.width]))
        start += entity.width
    if start != len(row):
        raise ValueError(f"a row of {len(row)} values for entities of {start}")
    return found
