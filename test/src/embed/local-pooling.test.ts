import { describe, expect, it } from "vitest";
import { poolHiddenState } from "../../../src/embed/local-pooling.js";

// Two texts, three token positions, two dimensions; the second text has one padding token.
const hidden = {
  data: Float32Array.from([1, 2, 3, 4, 5, 6, /* text 2 */ 10, 20, 30, 40, 99, 99]),
  dims: [2, 3, 2],
};
const mask = BigInt64Array.from([1n, 1n, 1n, 1n, 1n, 0n]);

describe("poolHiddenState", () => {
  it("means over the real tokens only, as the attention mask says", () => {
    const [a, b] = poolHiddenState(hidden, mask, "mean");
    expect(Array.from(a!)).toEqual([3, 4]);
    expect(Array.from(b!)).toEqual([20, 30]);
  });

  it("takes the first token's row for CLS pooling", () => {
    const [a, b] = poolHiddenState(hidden, Array.from(mask, Number), "cls");
    expect(Array.from(a!)).toEqual([1, 2]);
    expect(Array.from(b!)).toEqual([10, 20]);
  });

  it("refuses a mask that does not fit the hidden state, naming both shapes", () => {
    expect(() => poolHiddenState(hidden, [1, 1], "mean")).toThrow(
      /shape \[2, 3, 2\] with a mask of 2 entries/,
    );
  });
});
