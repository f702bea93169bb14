"""A real MCP client (the Python `mcp` package) driving the connector's MCP server.

argv: `stdio COMMAND ARGS...` (the connector-host command line), or `http URL TOKEN`.
Prints one JSON document: the server's name, the tools listed and the result of each call
the test asks for on stdin (a JSON array of [name, arguments])."""
import asyncio, json, sys
from contextlib import asynccontextmanager
from mcp import ClientSession, StdioServerParameters
from mcp.client.stdio import stdio_client
from mcp.client.streamable_http import create_mcp_http_client, streamable_http_client


def dump(model):
    return model.model_dump(by_alias=True, exclude_none=True, mode="json")


@asynccontextmanager
async def transport(argv):
    if argv[0] == "stdio":
        server = StdioServerParameters(command=argv[1], args=argv[2:])
        async with stdio_client(server) as (read, write):
            yield read, write
    else:
        url, token = argv[1], argv[2]
        client = create_mcp_http_client(headers={"Authorization": f"Bearer {token}"})
        async with client, streamable_http_client(url, http_client=client) as streams:
            yield streams[0], streams[1]


async def main():
    calls = json.load(sys.stdin)
    async with transport(sys.argv[1:]) as (read, write):
        async with ClientSession(read, write) as session:
            initialized = await session.initialize()
            tools = await session.list_tools()
            results = []
            for name, arguments in calls:
                try:
                    results.append(dump(await session.call_tool(name, arguments)))
                except Exception as e:  # a protocol error: the tool is not exposed
                    results.append({"protocolError": str(e)})
            print(json.dumps({"server": dump(initialized.server_info),
                              "instructions": initialized.instructions,
                              "tools": [dump(t) for t in tools.tools], "results": results}))


asyncio.run(main())
