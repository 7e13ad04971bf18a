/**
 * Rebuilds of a root's watch run one at a time per root, and requests made while one waits
 * are merged into it.
 */
import { describe, expect, it } from "vitest";
import { RebuildQueue } from "../../../src/watcher/rebuild-queue.js";

describe("rebuild queue", () => {
  it("never runs two rebuilds of a root at once, and merges the waiting requests", async () => {
    let running = 0;
    let most = 0;
    const runs: string[] = [];
    const queue = new RebuildQueue(async (root) => {
      running++;
      most = Math.max(most, running);
      runs.push(root);
      await new Promise((resolve) => setTimeout(resolve, 20));
      running--;
    });
    const first = queue.request("/a");
    // While the first runs, three more requests become one rebuild after it.
    await new Promise((resolve) => setTimeout(resolve, 5));
    const merged = [queue.request("/a"), queue.request("/a"), queue.request("/a")];
    await Promise.all([first, ...merged]);
    expect(most).toBe(1);
    expect(runs).toEqual(["/a", "/a"]);
  });

  it("rebuilds other roots independently, and goes on after a failed rebuild", async () => {
    const order: string[] = [];
    const queue = new RebuildQueue(async (root) => {
      order.push(`start ${root}`);
      await new Promise((resolve) => setTimeout(resolve, root === "/a" ? 30 : 5));
      order.push(`end ${root}`);
      if (root === "/a" && order.filter((o) => o === "end /a").length === 1) {
        throw new Error("watch limit");
      }
    });
    await Promise.all([queue.request("/a"), queue.request("/b")]);
    expect(order.indexOf("end /b")).toBeLessThan(order.indexOf("end /a"));
    await queue.request("/a");
    expect(order.filter((o) => o === "end /a")).toHaveLength(2);
  });

  it("makes a rebuild asked for during the first watch wait for it", async () => {
    const order: string[] = [];
    const queue = new RebuildQueue(async () => {
      order.push("rebuild");
    });
    const first = queue.first("/a", async () => {
      await new Promise((resolve) => setTimeout(resolve, 20));
      order.push("first watch");
    });
    const rebuilt = queue.request("/a");
    await Promise.all([first, rebuilt]);
    expect(order).toEqual(["first watch", "rebuild"]);
  });
});
