import { describe, expect, it } from "vitest";
import { createEmbedder, embedderConfigSchema } from "../../../src/embed/create-embedder.js";
import { EmbedderError } from "../../../src/embed/embedder.js";
import { LocalEmbedder } from "../../../src/embed/local-embedder.js";
import { OpenAIEmbedder } from "../../../src/embed/openai-embedder.js";

describe("createEmbedder", () => {
  it("returns undefined for kind none", () => {
    expect(createEmbedder({ kind: "none" })).toBeUndefined();
  });

  it("builds a provider embedder with the default model, and ids that carry overridden dimensions", () => {
    const plain = createEmbedder({ kind: "openai", apiKey: "k", baseURL: "http://127.0.0.1:1/v1" });
    expect(plain).toBeInstanceOf(OpenAIEmbedder);
    expect(plain?.id).toBe("openai:text-embedding-3-small");
    expect(plain?.maxInputTokens).toBe(8191);
    expect(
      createEmbedder({ kind: "openai", model: "text-embedding-3-large", dimensions: 256 })?.id,
    ).toBe("openai:text-embedding-3-large@256");
  });

  it("names Azure embedders by deployment and insists on one", () => {
    expect(createEmbedder({ kind: "azure", azure: { deployment: "emb" } })?.id).toBe("azure:emb");
    expect(() => createEmbedder({ kind: "azure" })).toThrow(/azure.deployment/);
  });

  it("builds the local embedder with bge-small by default", () => {
    const local = createEmbedder({ kind: "local", local: { offline: true } });
    expect(local).toBeInstanceOf(LocalEmbedder);
    expect(local?.id).toBe("local:Xenova/bge-small-en-v1.5");
    expect(local?.maxInputTokens).toBe(512);
  });

  it("rejects bad settings with the key that is wrong", () => {
    expect(embedderConfigSchema.safeParse({ kind: "openai", batchsize: 3 }).success).toBe(false);
    const error = (() => {
      try {
        createEmbedder({ kind: "openai", concurrency: 0 });
      } catch (e) {
        return e;
      }
    })() as EmbedderError;
    expect(error).toBeInstanceOf(EmbedderError);
    expect(error.code).toBe("CONFIG");
    expect(error.message).toContain("concurrency");
  });
});
