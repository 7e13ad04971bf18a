"""Drives `docindex serve` with the official Python MCP SDK client (`mcp` from PyPI).

Run by test/clients/python-sdk.test.ts as `python python_sdk_driver.py '<config JSON>'`:

    transport   "stdio" (start `command` with `env`) or "http" (connect to `url` with `token`)
    mode        the client's `mode=`: "auto" (server/discover, falling back to the handshake)
                or "legacy" (the initialize handshake only)
    root        the served workspace; `watched` is a path in it this run edits
    outside     a file outside the root that no call may read
    notice_timeout_sec  how long to wait for the change notice

It prints one JSON object on stdout: for each step either {"value": ...} or {"error": "..."},
so that one failing step does not hide what the others did. The test asserts on it; nothing
here decides what is right.
"""

from __future__ import annotations

import json
import sys
import traceback
import warnings
from contextlib import AsyncExitStack
from pathlib import Path
from typing import Any, Awaitable, Callable
from urllib.parse import quote

import anyio
import httpx2
import mcp_types as types
from mcp import Client
from mcp.client.stdio import StdioServerParameters
from mcp.client.streamable_http import streamable_http_client
from mcp.shared.exceptions import MCPDeprecationWarning
from mcp.shared.subscriptions import ResourceUpdated

# resources/subscribe is deprecated at 2026-07-28 but is what a legacy client has.
warnings.simplefilter("ignore", MCPDeprecationWarning)

STEP_TIMEOUT_SEC = 60


def wire(model: Any) -> Any:
    """A result as it travels: camelCase keys, no unset fields."""
    return model.model_dump(by_alias=True, mode="json", exclude_none=True)


class Run:
    def __init__(self, config: dict[str, Any]):
        self.config = config
        self.results: dict[str, Any] = {}
        # Resource-updated notices seen by the legacy message handler.
        self.updated: list[str] = []
        self.notice = anyio.Event()

    async def step(self, name: str, action: Callable[[], Awaitable[Any]]) -> Any:
        try:
            with anyio.fail_after(STEP_TIMEOUT_SEC):
                value = await action()
            self.results[name] = {"value": value}
            return value
        except Exception as error:  # reported to the test, which names the step
            self.results[name] = {"error": f"{type(error).__name__}: {error}"}
            print(f"step {name} failed:\n{traceback.format_exc()}", file=sys.stderr)
            return None

    async def on_message(self, message: Any) -> None:
        if isinstance(message, types.ResourceUpdatedNotification):
            self.updated.append(message.params.uri)
            self.notice.set()

    async def target(self, stack: AsyncExitStack) -> Any:
        config = self.config
        if config["transport"] == "stdio":
            command, *args = config["command"]
            return StdioServerParameters(command=command, args=args, env=config.get("env") or None)
        headers = {"Authorization": f"Bearer {config['token']}"} if config.get("token") else {}
        # The SDK's own default timeouts (its default client has no headers): a listen stream
        # stays open for minutes, which httpx's 5 s default read timeout would cut.
        timeout = httpx2.Timeout(30.0, read=300.0)
        http_client = await stack.enter_async_context(httpx2.AsyncClient(headers=headers, timeout=timeout))
        return streamable_http_client(config["url"], http_client=http_client)

    async def call(self, client: Client, tool: str, arguments: dict[str, Any]) -> Any:
        return wire(await client.call_tool(tool, arguments))

    async def main(self) -> None:
        config = self.config
        async with AsyncExitStack() as stack, Client(
            await self.target(stack),
            mode=config["mode"],
            message_handler=self.on_message,
            client_info=types.Implementation(name="docindex-python-sdk-test", version="1"),
        ) as client:
            self.results["protocolVersion"] = {"value": client.protocol_version}
            server = client.server_info
            self.results["serverName"] = {"value": server.name if server else None}
            await self.tools(client)
            await self.resources(client)
            await self.refusals(client)
            await self.change_notice(client)

    async def tools(self, client: Client) -> None:
        async def names() -> list[str]:
            return sorted(tool.name for tool in (await client.list_tools()).tools)

        await self.step("tools", names)
        await self.step("search", lambda: self.call(client, "search", {"query": "quokka installer", "limit": 5}))
        await self.step("inventory", lambda: self.call(client, "inventory", {}))
        await self.step("analyze", lambda: self.call(client, "analyze", {"path": "docs/guide.md"}))
        await self.step(
            "read_document",
            lambda: self.call(client, "read_document", {"path": "docs/guide.md", "startLine": 5, "endLine": 7}),
        )
        job = await self.step("reindex", lambda: self.call(client, "reindex", {}))
        job_id = ((job or {}).get("structuredContent") or {}).get("jobId")

        async def until_done() -> Any:
            if not job_id:
                raise RuntimeError("reindex gave no jobId")
            while True:
                status = await self.call(client, "index_status", {"jobId": job_id})
                jobs = (status.get("structuredContent") or {}).get("jobs") or []
                if status.get("isError") or (jobs and jobs[0].get("state") in ("done", "failed")):
                    return status
                await anyio.sleep(0.1)

        await self.step("index_status", until_done)

    async def resources(self, client: Client) -> None:
        async def read_guide() -> Any:
            listed = await client.list_resources()
            guide = next(r for r in listed.resources if r.name == "docs/guide.md")
            read = await client.read_resource(guide.uri, cache_mode="bypass")
            return {"listed": [r.name for r in listed.resources], "uri": guide.uri, "read": wire(read)}

        await self.step("resource", read_guide)

    async def refusals(self, client: Client) -> None:
        outside = Path(self.config["outside"])
        paths = [str(outside), f"../{outside.parent.name}/{outside.name}", "/etc/passwd"]

        async def tools() -> Any:
            return [
                {"path": path, **(await self.call(client, "read_document", {"path": path}))} for path in paths
            ]

        await self.step("refusals", tools)

        async def resource() -> Any:
            root = Path(self.config["root"]).name
            # An encoded slash: a client may not normalise it away as it would a literal "../".
            uri = f"docindex://{quote(root)}/..%2F{quote(outside.parent.name)}%2F{quote(outside.name)}"
            try:
                read = await client.read_resource(uri, cache_mode="bypass")
            except Exception as error:  # the refusal the test expects
                return {"uri": uri, "refused": f"{type(error).__name__}: {error}"}
            return {"uri": uri, "read": wire(read)}

        await self.step("resourceRefusal", resource)

    async def change_notice(self, client: Client) -> None:
        """Reads the watched document, listens for changes to it, edits it, awaits the notice."""
        config = self.config
        watched = config["watched"]
        wait = float(config["notice_timeout_sec"])
        path = Path(config["root"]) / watched

        def edit() -> None:
            path.write_text(path.read_text() + "\nA second wombat paragraph, added by the test.\n")

        async def notice() -> Any:
            try:
                return await subscribe_edit_wait()
            except TimeoutError:
                raise TimeoutError(f"no notifications/resources/updated for {watched} within {wait} s of the edit") from None

        async def subscribe_edit_wait() -> Any:
            listed = await client.list_resources(cache_mode="bypass")
            uri = next(r.uri for r in listed.resources if r.name == watched)
            await client.read_resource(uri, cache_mode="bypass")
            if config["mode"] == "legacy":
                await client.subscribe_resource(uri)
                edit()
                with anyio.fail_after(wait):
                    while uri not in self.updated:
                        await self.notice.wait()
                        self.notice = anyio.Event()
                return {"uri": uri, "via": "resources/subscribe", "updated": self.updated}
            async with client.listen(resource_subscriptions=[uri]) as subscription:
                edit()
                with anyio.fail_after(wait):
                    async for event in subscription:
                        if isinstance(event, ResourceUpdated) and event.uri == uri:
                            return {"uri": uri, "via": "subscriptions/listen", "updated": [event.uri]}
            raise RuntimeError("the subscriptions/listen stream ended before the notice")

        await self.step("changeNotice", notice)


async def drive(config: dict[str, Any]) -> dict[str, Any]:
    run = Run(config)
    try:
        await run.main()
    except Exception as error:  # a connect failure: report what there is
        run.results["connect"] = {"error": f"{type(error).__name__}: {error}"}
        print(f"connect failed:\n{traceback.format_exc()}", file=sys.stderr)
    return run.results


if __name__ == "__main__":
    results = anyio.run(drive, json.loads(sys.argv[1]))
    print(json.dumps(results))
