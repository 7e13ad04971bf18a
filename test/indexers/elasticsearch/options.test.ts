/**
 * How the Elasticsearch store reads its connection options before it talks to any node: the
 * node list, URLs fit for messages (no credentials), and a CA certificate that cannot be read.
 */
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { displayUrls, makeClient, nodeList } from "../../../indexers/elasticsearch/options.js";
import { makeTempDir, removeDir } from "../../helpers/tree.js";

describe("Elasticsearch connection options", () => {
  it("takes one URL or several, trimmed, and refuses none", () => {
    expect(nodeList(" http://127.0.0.1:9200 ")).toEqual(["http://127.0.0.1:9200"]);
    expect(nodeList(["http://a:9200", "", "  ", "http://b:9200"])).toEqual([
      "http://a:9200",
      "http://b:9200",
    ]);
    expect(() => nodeList(["", " "])).toThrow(
      "Elasticsearch store: no node URL given (set ELASTICSEARCH_URL).",
    );
  });

  it("shows node URLs without user name, password or trailing slash", () => {
    expect(
      displayUrls([
        "https://elastic:s3cret@es.internal:9243/",
        "http://127.0.0.1:9200",
        "not a url",
      ]),
    ).toEqual(["https://es.internal:9243", "http://127.0.0.1:9200", "not a url"]);
  });

  it("names the CA certificate and its variable when the file cannot be read", () => {
    const dir = makeTempDir();
    try {
      const missing = join(dir, "ca.pem");
      expect(() =>
        makeClient({ node: "https://127.0.0.1:9200", caCertPath: missing }, [
          "https://127.0.0.1:9200",
        ]),
      ).toThrow(
        `Cannot read the Elasticsearch CA certificate ${missing} (ELASTICSEARCH_CA_CERT): ENOENT`,
      );
    } finally {
      removeDir(dir);
    }
  });
});
