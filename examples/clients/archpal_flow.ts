/**
 * The ArchPal flow of examples/archpal.sh, with the TypeScript (fetch) client generated from
 * examples/openapi/archpal.json and nothing else: a local user (ArchPal's Cognito users need a user
 * pool), JSON documents as files, the conversation index updated only if unchanged (If-Match),
 * a stale update refused with a 412 problem, create-only (If-None-Match: *), the documents read
 * back and listed, and a call without a token refused. Asserts every answer; exits 1 on the first
 * mismatch.
 *
 *   ./mvnw generate-test-resources      # the client: target/generated-clients/typescript-archpal
 *   tsc -p examples/clients             # to target/clients-build (typescript 5.9, see scripts/clients.sh)
 *   ./coffer serve --config examples/archpal.toml &
 *   node target/clients-build/examples/clients/archpal_flow.js
 *
 * BASE (default http://127.0.0.1:8080) names the server, as for the curl scripts. With SERVICE_KEY set
 * to a service key the server accepts, the flow also calls as a back end on the user's behalf.
 */
import {
    AuthApi, Configuration, FilesApi, type FileInfo, type Middleware, ProblemFromJSON, ResponseError,
} from "../../target/generated-clients/typescript-archpal";

// Node's process, declared here so that tsc needs no @types/node.
declare const process: { env: Record<string, string | undefined>; exit(code: number): never };

const BASE = process.env.BASE ?? "http://127.0.0.1:8080";
const SERVICE_KEY = process.env.SERVICE_KEY;   // optional: a service key the server accepts (auth.service_keys)

// File paths keep their '/': the API refuses %2F, which the generated client makes of every '/'
// in a path parameter. A middleware is the client's own hook for it (no generated code edited).
const keepSlashesInFilePaths: Middleware = {
    async pre({ url, init }) {
        const [path, query] = url.split("?", 2);
        const kept = path.replace(/(\/api\/v1\/files\/)(.*)$/, (_, files: string, rest: string) => files + rest.replace(/%2F/gi, "/"));
        return { url: query === undefined ? kept : kept + "?" + query, init };
    },
};

function step(what: string): void {
    console.log("== " + what);
}

function expect(actual: unknown, wanted: unknown, what: string): void {
    const [a, w] = [JSON.stringify(actual), JSON.stringify(wanted)];
    if (a !== w) {
        console.error(`MISMATCH ${what}: got ${a}, wanted ${w}`);
        process.exit(1);
    }
    console.log(`ok ${what}: ${a}`);
}

/** The RFC 9457 problem of a refused call, as the generated model reads it. */
async function problemOf(call: Promise<unknown>): Promise<{ status: number; code: string }> {
    try {
        await call;
    } catch (e) {
        if (e instanceof ResponseError) {
            const problem = ProblemFromJSON(await e.response.json());
            return { status: problem.status, code: problem.code };
        }
        throw e;
    }
    return { status: 200, code: "none" };
}

async function main(): Promise<void> {
    const anonymous = new Configuration({ basePath: BASE });
    const email = `archie-${Math.random().toString(16).slice(2, 10)}@example.com`;

    step("a local user (no user pool configured)");
    const profile = await new AuthApi(anonymous).register({ registerRequest: { email, password: "arch-pal-2026", fullName: "Archie" } });
    const tokens = await new AuthApi(anonymous).login({ loginRequest: { email, password: "arch-pal-2026" } });
    const user = new Configuration({ basePath: BASE, accessToken: tokens.accessToken, middleware: [keepSlashesInFilePaths] });
    const files = new FilesApi(user);
    expect((await new AuthApi(user).whoami()).userId, profile.userId, "whoami user id");

    // ArchPal's documents are JSON; the upload names its type itself (the document allows any).
    const put = (path: string, value: unknown, ifMatch?: string, ifNoneMatch?: "*"): Promise<FileInfo> =>
        files.uploadFile({ path, body: new Blob([JSON.stringify(value)]), ifMatch, ifNoneMatch },
            async ({ init }) => ({ headers: { ...(init.headers as Record<string, string>), "Content-Type": "application/json" } }));

    step("profile");
    expect((await put("info.json", { name: "Archie" })).contentType, "application/json", "info.json type");
    step("index");
    const empty = (await put("conversations.json", [])).etag;
    step("two conversations");
    expect((await put("conversations/c-1.json", { title: "first" })).path, "conversations/c-1.json", "c-1 path");
    expect((await put("conversations/c-2.json", { title: "second" })).path, "conversations/c-2.json", "c-2 path");

    step("add both to the index, each only if the index is unchanged (If-Match)");
    const one = (await put("conversations.json", ["c-1"], empty)).etag;
    const both = (await put("conversations.json", ["c-1", "c-2"], one)).etag;

    step("a stale update is refused with 412 instead of losing c-2");
    expect(await problemOf(put("conversations.json", ["c-1"], one)), { status: 412, code: "precondition_failed" }, "stale If-Match");
    step("create-only (If-None-Match: *) refuses an existing file");
    expect(await problemOf(put("info.json", { name: "Other" }, undefined, "*")), { status: 412, code: "precondition_failed" },
        "If-None-Match on an existing file");

    step("read back");
    const index = await files.downloadFileRaw({ path: "conversations.json" });
    expect(index.raw.headers.get("ETag"), both, "index ETag");
    expect(JSON.parse(await (await index.value()).text()), ["c-1", "c-2"], "index");
    expect(JSON.parse(await (await files.downloadFile({ path: "info.json" })).text()), { name: "Archie" }, "info.json");
    const listed = await files.listFiles({ prefix: "conversations/" });
    expect([listed.files.map((f) => f.path), listed.nextCursor], [["conversations/c-1.json", "conversations/c-2.json"], null],
        "files under conversations/");

    if (SERVICE_KEY) {
        step("a back end's service key acting for this user (Authorization and X-Coffer-User)");
        const backend = new Configuration({ basePath: BASE, accessToken: SERVICE_KEY, apiKey: profile.userId, middleware: [keepSlashesInFilePaths] });
        const identity = await new AuthApi(backend).whoami();
        expect([identity.userId, identity.kind], [profile.userId, "service"], "service key caller");
        expect(JSON.parse(await (await new FilesApi(backend).downloadFile({ path: "conversations/c-2.json" })).text()), { title: "second" },
            "c-2 read by the service key");
    }

    step("no token, no files");
    expect(await problemOf(new FilesApi(anonymous).listFiles({})), { status: 401, code: "unauthorized" }, "listing without a token");
    console.log("done");
}

main().catch((e: unknown) => {
    console.error("FAILED", e);
    process.exit(1);
});
