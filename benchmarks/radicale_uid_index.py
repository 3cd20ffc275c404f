"""Radicale's filesystem storage with an in-memory UID index, for benchmarks only.

Stock Radicale 3.9 checks a new card's UID against every card in the address book
(``BaseCollection.has_uid`` reads them all), so each new card costs time in
proportion to the book and 10,000 new cards take hours, whoever sends them. This
storage answers that check from an index built once per address book and kept up
to date by this process's writes; everything else is Radicale's own. The
benchmark runs Radicale alone and netdesk against the same server, so the
comparison stays fair. Load with ``--storage-type benchmarks.radicale_uid_index``.
"""

from radicale.storage import multifilesystem

_UIDS: dict[str, dict[str, str]] = {}  # address book path -> UID -> href


class Collection(multifilesystem.Collection):
    def _uid_index(self) -> dict[str, str]:
        index = _UIDS.get(self.path)
        if index is None:
            index = _UIDS[self.path] = {item.uid: item.href for item in self.get_all()}
        return index

    def has_uid(self, uid: str) -> bool:
        return uid in self._uid_index()

    def upload(self, href, item):
        result = super().upload(href, item)
        self._uid_index()[item.uid] = href
        return result

    def delete(self, href=None) -> None:
        super().delete(href)
        if href is None:
            _UIDS.pop(self.path, None)
        elif self.path in _UIDS:
            _UIDS[self.path] = {u: h for u, h in _UIDS[self.path].items() if h != href}


class Storage(multifilesystem.Storage):
    _collection_class = Collection
