/**
 * The few ONNX protobuf messages a plain inference graph needs (field numbers from
 * onnx/onnx.proto), and a small builder that writes nodes and initializers with protobufjs.
 * The tests' generated tiny model (test/helpers/tiny-model.ts) uses the same message set.
 */
import protobuf from "protobufjs";

export const ONNX_PROTO = `
syntax = "proto3";
package onnx;
message AttributeProto {
  string name = 1; float f = 2; int64 i = 3; bytes s = 4; TensorProto t = 5;
  repeated float floats = 7; repeated int64 ints = 8; int32 type = 20;
}
message NodeProto {
  repeated string input = 1; repeated string output = 2; string name = 3; string op_type = 4;
  repeated AttributeProto attribute = 5; string domain = 7;
}
message TensorProto {
  repeated int64 dims = 1; int32 data_type = 2; repeated float float_data = 4;
  repeated int64 int64_data = 7; string name = 8; bytes raw_data = 9;
}
message TensorShapeProto {
  message Dimension { oneof value { int64 dim_value = 1; string dim_param = 2; } }
  repeated Dimension dim = 1;
}
message TypeProto {
  message Tensor { int32 elem_type = 1; TensorShapeProto shape = 2; }
  oneof value { Tensor tensor_type = 1; }
}
message ValueInfoProto { string name = 1; TypeProto type = 2; }
message StringStringEntryProto { string key = 1; string value = 2; }
message GraphProto {
  repeated NodeProto node = 1; string name = 2; repeated TensorProto initializer = 5;
  string doc_string = 10; repeated ValueInfoProto input = 11; repeated ValueInfoProto output = 12;
}
message OperatorSetIdProto { string domain = 1; int64 version = 2; }
message ModelProto {
  int64 ir_version = 1; string producer_name = 2; string producer_version = 3;
  string doc_string = 6; GraphProto graph = 7; repeated OperatorSetIdProto opset_import = 8;
  repeated StringStringEntryProto metadata_props = 14;
}
`;

/** TensorProto.DataType */
export const FLOAT = 1;
export const INT64 = 7;

/** AttributeProto.AttributeType */
const ATTR_FLOAT = 1;
const ATTR_INT = 2;
const ATTR_INTS = 7;

export type AttributeValue = number | number[] | { float: number };

interface AttributeObject {
  name: string;
  type: number;
  i?: number;
  f?: number;
  ints?: number[];
}

interface NodeObject {
  opType: string;
  name: string;
  input: string[];
  output: string[];
  attribute: AttributeObject[];
}

interface TensorObject {
  name: string;
  dataType: number;
  dims: number[];
  rawData: Uint8Array;
}

export type Dim = number | string;

function attribute(name: string, value: AttributeValue): AttributeObject {
  if (Array.isArray(value)) return { name, type: ATTR_INTS, ints: value };
  if (typeof value === "number") return { name, type: ATTR_INT, i: value };
  return { name, type: ATTR_FLOAT, f: value.float };
}

function valueInfo(name: string, elemType: number, dims: Dim[]) {
  return {
    name,
    type: {
      tensorType: {
        elemType,
        shape: {
          dim: dims.map((d) => (typeof d === "number" ? { dimValue: d } : { dimParam: d })),
        },
      },
    },
  };
}

function bytesOf(view: Float32Array | BigInt64Array): Uint8Array {
  return new Uint8Array(view.buffer, view.byteOffset, view.byteLength);
}

/** Collects a graph in topological order (each node after the nodes that feed it). */
export class GraphBuilder {
  private readonly nodes: NodeObject[] = [];
  private readonly initializers: TensorObject[] = [];
  private readonly inputs: ReturnType<typeof valueInfo>[] = [];
  private readonly outputs: ReturnType<typeof valueInfo>[] = [];
  private readonly names = new Set<string>();
  private counter = 0;

  input(name: string, elemType: number, dims: Dim[]): string {
    this.claim(name);
    this.inputs.push(valueInfo(name, elemType, dims));
    return name;
  }

  output(name: string, elemType: number, dims: Dim[]): void {
    this.outputs.push(valueInfo(name, elemType, dims));
  }

  /** A float32 constant; the data is little-endian on every platform Node supports here. */
  float(name: string, dims: number[], data: Float32Array | number[]): string {
    const values = data instanceof Float32Array ? data : Float32Array.from(data);
    const size = dims.reduce((a, b) => a * b, 1);
    if (values.length !== size) {
      throw new Error(
        `initializer ${name}: ${values.length} values for shape [${dims.join(", ")}]`,
      );
    }
    this.claim(name);
    this.initializers.push({ name, dataType: FLOAT, dims, rawData: bytesOf(values) });
    return name;
  }

  int64(name: string, dims: number[], data: number[]): string {
    this.claim(name);
    const values = BigInt64Array.from(data.map((x) => BigInt(x)));
    this.initializers.push({ name, dataType: INT64, dims, rawData: bytesOf(values) });
    return name;
  }

  /** Adds one node and returns the name of its (single) output. */
  node(
    opType: string,
    input: string[],
    attributes: Record<string, AttributeValue> = {},
    output?: string,
  ): string {
    const id = this.counter++;
    const out = output ?? `${opType.toLowerCase()}_${id}`;
    this.claim(out);
    this.nodes.push({
      opType,
      name: `${opType}_${id}`,
      input,
      output: [out],
      attribute: Object.entries(attributes).map(([name, value]) => attribute(name, value)),
    });
    return out;
  }

  encode(options: {
    graphName: string;
    producer: string;
    version: string;
    docString: string;
    opset: number;
    irVersion: number;
    metadata?: Record<string, string>;
  }): Uint8Array {
    const root = protobuf.parse(ONNX_PROTO).root;
    const ModelProto = root.lookupType("onnx.ModelProto");
    const model = {
      irVersion: options.irVersion,
      producerName: options.producer,
      producerVersion: options.version,
      docString: options.docString,
      opsetImport: [{ domain: "", version: options.opset }],
      metadataProps: Object.entries(options.metadata ?? {}).map(([key, value]) => ({
        key,
        value,
      })),
      graph: {
        name: options.graphName,
        node: this.nodes,
        initializer: this.initializers,
        input: this.inputs,
        output: this.outputs,
      },
    };
    return ModelProto.encode(ModelProto.fromObject(model)).finish();
  }

  private claim(name: string): void {
    if (this.names.has(name)) throw new Error(`ONNX graph: the name ${name} is used twice`);
    this.names.add(name);
  }
}
