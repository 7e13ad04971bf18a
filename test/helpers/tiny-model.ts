/**
 * Generates a tiny BERT-shaped embedding model that @huggingface/transformers loads through its
 * real pipeline (config.json, tokenizer.json, onnx/model*.onnx), so the local embedder's loading
 * code is exercised without downloading weights. The ONNX file is written with protobufjs from
 * the few ONNX message types it needs (field numbers from onnx/onnx.proto).
 *
 * The "model" is an embedding lookup, not a transformer: last_hidden_state = word embedding +
 * token-type embedding, zeroed where attention_mask is 0. Words are placed on topic axes
 * (animals, vehicles, fruit) so that pooled vectors of related texts are close.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import protobuf from "protobufjs";
import { ONNX_PROTO } from "../../bench/real-model/onnx-proto.js";



const FLOAT = 1;
const INT64 = 7;
const ATTRIBUTE_INT = 2;

export const TINY_DIMENSIONS = 8;
export const TINY_MAX_TOKENS = 32;

const SPECIAL = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] as const;

/** axis 0 animals, 1 vehicles, 2 fruit; 3..5 make every word distinct; 6 CLS; 7 UNK. */
const WORDS: Record<string, number[]> = {
  cat: [1, 0, 0, 0.3, 0, 0],
  kitten: [0.95, 0, 0, 0.35, 0.1, 0],
  dog: [0.9, 0, 0, -0.3, 0, 0],
  puppy: [0.9, 0, 0, -0.35, 0.1, 0],
  truck: [0, 1, 0, 0, 0, 0.3],
  car: [0, 0.95, 0, 0, 0.1, 0.3],
  lorry: [0, 1, 0, 0, 0.05, 0.35],
  apple: [0, 0, 1, 0, 0.3, 0],
  banana: [0, 0, 0.95, 0.1, 0.3, 0],
  the: [0.05, 0.05, 0.05, 0, 0, 0.05],
  a: [0.04, 0.04, 0.04, 0.02, 0, 0],
  "##s": [0, 0, 0, 0, 0.05, 0.05],
};

export const TINY_VOCAB: readonly string[] = [...SPECIAL, ...Object.keys(WORDS)];

function vectorFor(token: string): number[] {
  const v = new Array<number>(TINY_DIMENSIONS).fill(0);
  if (token === "[CLS]") v[6] = 0.05;
  else if (token === "[SEP]") v[6] = 0.02;
  else if (token === "[UNK]") v[7] = 0.1;
  else WORDS[token]?.forEach((x, i) => (v[i] = x));
  return v;
}

function tensorType(elemType: number, dims: (number | string)[]) {
  return {
    tensorType: {
      elemType,
      shape: { dim: dims.map((d) => (typeof d === "number" ? { dimValue: d } : { dimParam: d })) },
    },
  };
}

export function tinyOnnxModel(): Uint8Array {
  const root = protobuf.parse(ONNX_PROTO).root;
  const ModelProto = root.lookupType("onnx.ModelProto");
  const embeddings = TINY_VOCAB.flatMap(vectorFor);
  const model = {
    irVersion: 7,
    producerName: "docindex-tests",
    producerVersion: "1",
    opsetImport: [{ domain: "", version: 13 }],
    graph: {
      name: "tiny-bert",
      initializer: [
        {
          name: "word_embeddings",
          dataType: FLOAT,
          dims: [TINY_VOCAB.length, TINY_DIMENSIONS],
          floatData: embeddings,
        },
        {
          name: "token_type_embeddings",
          dataType: FLOAT,
          dims: [2, TINY_DIMENSIONS],
          floatData: new Array(2 * TINY_DIMENSIONS).fill(0),
        },
        { name: "last_axis", dataType: INT64, dims: [1], int64Data: [2] },
      ],
      node: [
        {
          opType: "Gather",
          input: ["word_embeddings", "input_ids"],
          output: ["words"],
          attribute: [{ name: "axis", i: 0, type: ATTRIBUTE_INT }],
        },
        {
          opType: "Gather",
          input: ["token_type_embeddings", "token_type_ids"],
          output: ["types"],
          attribute: [{ name: "axis", i: 0, type: ATTRIBUTE_INT }],
        },
        { opType: "Add", input: ["words", "types"], output: ["summed"] },
        {
          opType: "Cast",
          input: ["attention_mask"],
          output: ["mask_float"],
          attribute: [{ name: "to", i: FLOAT, type: ATTRIBUTE_INT }],
        },
        { opType: "Unsqueeze", input: ["mask_float", "last_axis"], output: ["mask"] },
        { opType: "Mul", input: ["summed", "mask"], output: ["last_hidden_state"] },
      ],
      input: ["input_ids", "attention_mask", "token_type_ids"].map((name) => ({
        name,
        type: tensorType(INT64, ["batch", "sequence"]),
      })),
      output: [
        {
          name: "last_hidden_state",
          type: tensorType(FLOAT, ["batch", "sequence", TINY_DIMENSIONS]),
        },
      ],
    },
  };
  const problem = ModelProto.verify(model);
  if (problem) throw new Error(`tiny ONNX model: ${problem}`);
  return ModelProto.encode(ModelProto.fromObject(model)).finish();
}

function tokenizerJson(): object {
  const id = (token: string) => TINY_VOCAB.indexOf(token);
  const special = (token: string) => ({ id: token, type_id: 0 });
  return {
    version: "1.0",
    truncation: null,
    padding: null,
    added_tokens: SPECIAL.map((content) => ({
      id: id(content),
      content,
      single_word: false,
      lstrip: false,
      rstrip: false,
      normalized: false,
      special: true,
    })),
    normalizer: {
      type: "BertNormalizer",
      clean_text: true,
      handle_chinese_chars: true,
      strip_accents: null,
      lowercase: true,
    },
    pre_tokenizer: { type: "BertPreTokenizer" },
    post_processor: {
      type: "TemplateProcessing",
      single: [
        { SpecialToken: special("[CLS]") },
        { Sequence: { id: "A", type_id: 0 } },
        { SpecialToken: special("[SEP]") },
      ],
      pair: [
        { SpecialToken: special("[CLS]") },
        { Sequence: { id: "A", type_id: 0 } },
        { SpecialToken: special("[SEP]") },
        { Sequence: { id: "B", type_id: 1 } },
        { SpecialToken: { id: "[SEP]", type_id: 1 } },
      ],
      special_tokens: Object.fromEntries(
        ["[CLS]", "[SEP]"].map((token) => [
          token,
          { id: token, ids: [id(token)], tokens: [token] },
        ]),
      ),
    },
    decoder: { type: "WordPiece", prefix: "##", cleanup: true },
    model: {
      type: "WordPiece",
      unk_token: "[UNK]",
      continuing_subword_prefix: "##",
      max_input_chars_per_word: 100,
      vocab: Object.fromEntries(TINY_VOCAB.map((token, i) => [token, i])),
    },
  };
}

export type TinyModelFile = "model.onnx" | "model_quantized.onnx";

/**
 * Writes the model folder `<dir>/<name>` (name like "tiny/bert", a valid hub-style id so it
 * resolves under transformers' env.localModelPath) and returns its absolute path.
 */
export function writeTinyModel(
  dir: string,
  name: string,
  files: TinyModelFile[] = ["model_quantized.onnx"],
): string {
  const folder = join(dir, ...name.split("/"));
  mkdirSync(join(folder, "onnx"), { recursive: true });
  const onnx = tinyOnnxModel();
  for (const file of files) writeFileSync(join(folder, "onnx", file), onnx);
  writeFileSync(join(folder, "tokenizer.json"), JSON.stringify(tokenizerJson()));
  writeFileSync(
    join(folder, "tokenizer_config.json"),
    JSON.stringify({
      tokenizer_class: "BertTokenizer",
      model_max_length: TINY_MAX_TOKENS,
      do_lower_case: true,
      cls_token: "[CLS]",
      sep_token: "[SEP]",
      pad_token: "[PAD]",
      unk_token: "[UNK]",
      mask_token: "[MASK]",
    }),
  );
  writeFileSync(
    join(folder, "config.json"),
    JSON.stringify({
      model_type: "bert",
      architectures: ["BertModel"],
      hidden_size: TINY_DIMENSIONS,
      vocab_size: TINY_VOCAB.length,
      max_position_embeddings: TINY_MAX_TOKENS,
      type_vocab_size: 2,
      num_attention_heads: 1,
      num_hidden_layers: 1,
      pad_token_id: 0,
    }),
  );
  return folder;
}
