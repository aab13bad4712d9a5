"""From a CONNECTION argument to a connection: aliases, the caches, Rutter, and stale tokens.

Wires the domain's resolution (rutterctl.domain.resolve) to the files of rutterctl.config and
the HTTP gateway, for every command through `Deps.resolve`.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

from rutterctl.errors import ApiError, ConnectionNotFound, Unavailable

if TYPE_CHECKING:
    from rutterctl.cli.deps import Deps
    from rutterctl.config.cache import FileConnectionCache, FileStoreCache
    from rutterctl.domain.models import ConnectionSummary, StoreInfo
    from rutterctl.domain.resolve import ResolvedConnection


class Naming:
    """Resolution for one command run. Remembers which tokens came from a cache or an alias,
    since only those can be stale: a token Rutter rejects is looked up once more by its
    connection id in a fresh listing (tokens can be invalidated and rotated)."""

    def __init__(self, deps: Deps) -> None:
        self.deps = deps
        self._stale_candidates: dict[str, str] = {}  # token -> connection id
        self._replaced: dict[str, str] = {}  # old token -> the one the listing holds now
        self._lock = threading.Lock()
        self._listing_lock = threading.Lock()  # held while the one refresh listing is read
        self._listed: dict[str, str] | None = None
        self._caches: tuple[FileConnectionCache, FileStoreCache] | None = None
        # connection id -> why its store could not be read (shown in `--details` rows)
        self.store_errors: dict[str, str] = {}

    def caches(self) -> tuple[FileConnectionCache, FileStoreCache]:
        """The token and store caches of this run's organisation (made once per run)."""
        from rutterctl.config.cache import FileConnectionCache, FileStoreCache

        with self._lock:
            if self._caches is None:
                s = self.deps.settings()
                client_id = s.credentials.client_id if s.credentials else ""
                self._caches = (
                    FileConnectionCache.in_dir(s.cache_dir, s.base_url, client_id),
                    FileStoreCache.in_dir(s.cache_dir, s.base_url, client_id, self.deps.now),
                )
            return self._caches

    def store_cache(self) -> FileStoreCache:
        """Store names and domains of this run's organisation, kept 24 hours (`status` reads
        one from there rather than asking Rutter again)."""
        return self.caches()[1]

    def resolve(self, name: str) -> ResolvedConnection:
        from rutterctl.domain.ids import is_alias_name
        from rutterctl.domain.resolve import ResolvedConnection, resolve_connection
        from rutterctl.secrets import register

        s = self.deps.settings()
        name = name.strip()
        # Aliases never look like UUIDs, so an id or a token skips the aliases file entirely
        # (and the module: ~1 ms).
        aliased = is_alias_name(name)
        cache, stores = self.caches()
        if aliased:
            from rutterctl.config.aliases import AliasFile

            alias = AliasFile.at(self.deps.environ).find(s.base_url, name)
            if alias is not None:
                # The token cache follows every listing, so after a rotation it holds the
                # connection's current token while the alias keeps the one it was made with.
                listed = cache.find(alias.connection_id)
                token = listed.access_token if listed is not None else alias.access_token
                register(token)
                self._suspect(token, alias.connection_id)
                return ResolvedConnection(alias.connection_id, token)
        try:
            resolved = resolve_connection(
                name, self.deps.gateway(), cache, stores=stores, read_stores=self.read_stores
            )
        except ConnectionNotFound as exc:
            if self.store_errors:  # the store not read may be the one named: not "not found"
                raise self._stores_unread(name) from None
            if not aliased:
                raise
            raise ConnectionNotFound(
                f"no alias {name!r} for {s.base_url}, and {exc.message}",
                hint=f"`rutterctl alias list` shows the aliases of this base URL; {exc.hint}",
            ) from None
        if resolved.from_cache and name != resolved.access_token:
            # Named by id or domain from the cache: the mapping may have gone stale.
            self._suspect(resolved.access_token, resolved.connection_id)
        return resolved

    def _stores_unread(self, name: str) -> Unavailable:
        count = len(self.store_errors)
        first = next(iter(self.store_errors.values()))
        return Unavailable(
            f"could not tell whether {name!r} is a store domain: {count} of the organisation's "
            f"stores could not be read ({first})",
            hint="try again shortly, or name the connection by its id",
        )

    def read_stores(self, connections: list[ConnectionSummary]) -> dict[str, StoreInfo]:
        """`GET /connections/access_token` for each connection, concurrently through the fleet
        scheduler. A platform without a store endpoint (404/410) has an empty store, cached
        like any other, so the next search does not ask again; one that fails otherwise is
        left out (and asked again next time)."""
        from rutterctl.domain.models import StoreInfo
        from rutterctl.domain.resolve import NO_STORE_ENDPOINT
        from rutterctl.errors import CredentialsRejected
        from rutterctl.secrets import redact

        gateway = self.deps.gateway()

        def one(connection: ConnectionSummary) -> tuple[str, StoreInfo | None]:
            try:
                return connection.id, gateway.store_info(connection.access_token)
            except (CredentialsRejected, Unavailable) as exc:
                with self._lock:
                    self.store_errors[connection.id] = redact(exc.one_line())
            except ApiError as exc:
                if exc.status in NO_STORE_ENDPOINT:  # a missing nicety, not a failure
                    return connection.id, StoreInfo(None, None, None)
            return connection.id, None

        found = (done.value for done in self.deps.fleet().run(connections, one) if done.value)
        return {cid: info for cid, info in found if info is not None}

    def refresh_token(self, token: str) -> str | None:
        """The token to retry with after Rutter rejected `token`, or None to give up.

        One listing per run however many cached tokens are rejected (a fleet command's
        workers share it); a connection that listing no longer holds is gone: exit 3."""
        from rutterctl.domain.resolve import not_found_hint
        from rutterctl.secrets import register

        with self._lock:
            if token in self._replaced:
                return self._replaced[token]
            connection_id = self._stale_candidates.pop(token, None)
        if connection_id is None:
            return None
        current = self._current_tokens().get(connection_id)
        if current is None:
            raise ConnectionNotFound(
                f"connection {connection_id} is no longer in the organisation: Rutter rejects "
                "its cached access token and lists every connection without it",
                hint=not_found_hint(connection_id),
            )
        if current == token:
            return None
        register(current)
        self.deps.warn(
            f"note: the cached access token of connection {connection_id} was rejected; "
            "using the one Rutter lists now"
        )
        with self._lock:
            self._replaced[token] = current
        return current

    def _current_tokens(self) -> dict[str, str]:
        """id -> access token from one fresh listing of this run (cached for the next runs)."""
        from rutterctl.domain.resolve import list_every_connection

        with self._listing_lock:
            if self._listed is None:
                connections = list_every_connection(self.deps.gateway())
                cache, _ = self.caches()
                cache.replace(connections)
                self._listed = {c.id: c.access_token for c in connections}
            return self._listed

    def _suspect(self, token: str, connection_id: str) -> None:
        with self._lock:
            self._stale_candidates[token] = connection_id
