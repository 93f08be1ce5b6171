// Preloaded into the scale benchmark's Azurite (node -r): keeps each table's entities in an index by partition key
// and row key instead of Azurite's LokiJS collection. Only the emulator's speed changes; what it stores and answers
// does not.
//
// Why: Azurite 3.x keeps a table's entities in one LokiJS collection with binary indexes on PartitionKey and
// RowKey. Loki keeps those indexes as sorted arrays and moves every entry after the insert position on each insert
// (and scans the index on each delete), so writing a table of n entities takes time in n^2; and Azurite answers every
// query by running the filter over every entity of the table, then sorting the matches. A 1,000-technician fleet
// (millions of entities in the records table) would take hours to seed and about a second per query.
//
// What: per table, a map of partitions (each a map of row key to entity plus its row keys in order, sorted lazily)
// serves Azurite's point lookups, inserts, deletes and replaces; a query is answered from the partitions and row key
// range its filter names at its top level (PartitionKey eq, RowKey ge/gt/lt/le/eq), in (PartitionKey, RowKey) order,
// applying Azurite's own compiled filter and continuation rules to each candidate and stopping after a page: the same
// entities, order and continuation as Azurite's scan-and-sort. A filter without a partition equality walks every
// partition (as Azure does). With AZURITE_SCALE_INDEX_VERIFY=1 every query is also answered the stock way (every
// entity filtered, sorted, cut) and the process exits on any difference.
"use strict";

const path = require("path");
const azuriteRoot = path.dirname(require.resolve("azurite/package.json", { paths: [process.cwd(), ...(process.env.AZURITE_SCALE_INDEX_PATHS || "").split(path.delimiter).filter(Boolean)] }));
const persistence = path.join(azuriteRoot, "dist", "src", "table", "persistence");
const Store = require(path.join(persistence, "LokiTableMetadataStore.js")).default;
const QueryGenerator = require(path.join(persistence, "LokiTableStoreQueryGenerator.js")).default;
const parseQuery = require(path.join(persistence, "QueryInterpreter", "QueryParser.js")).default;

const verify = process.env.AZURITE_SCALE_INDEX_VERIFY === "1";

/** Strings in JavaScript's default order (UTF-16 code units), as Azurite's sort compares keys. */
function compare(a, b) {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** First index in the sorted array whose value is >= key. */
function lowerBound(sorted, key) {
  let lo = 0, hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid] < key) lo = mid + 1; else hi = mid;
  }
  return lo;
}

/** Keys kept in order: appended unsorted, sorted and merged in when read; removed keys are skipped and compacted away. */
class SortedKeys {
  constructor() {
    this.sorted = [];
    this.pending = [];
    this.listed = new Set();
    this.stale = 0;
  }

  add(key) {
    if (this.listed.has(key)) {
      this.stale--; // listed but removed before: live again, same place
      return;
    }
    this.listed.add(key);
    this.pending.push(key);
  }

  removed() {
    this.stale++;
  }

  /** The keys in order, including removed ones (the caller skips what its map no longer holds). */
  view(live) {
    if (this.pending.length > 0) {
      this.pending.sort(compare);
      const a = this.sorted, b = this.pending, merged = new Array(a.length + b.length);
      let i = 0, j = 0, k = 0;
      while (i < a.length && j < b.length) merged[k++] = a[i] <= b[j] ? a[i++] : b[j++];
      while (i < a.length) merged[k++] = a[i++];
      while (j < b.length) merged[k++] = b[j++];
      this.sorted = merged;
      this.pending = [];
    }
    if (this.stale > 1024 && this.stale * 2 > this.sorted.length) {
      this.sorted = this.sorted.filter((key) => live.has(key));
      this.listed = new Set(this.sorted);
      this.stale = 0;
    }
    return this.sorted;
  }
}

class Partition {
  constructor() {
    this.docs = new Map();
    this.keys = new SortedKeys();
  }
}

/** What Azurite uses of a Loki collection of entities: findOne by keys, insert, remove, update. */
class EntityIndex {
  constructor() {
    this.partitions = new Map();
    this.partitionKeys = new SortedKeys();
    this.size = 0;
  }

  partition(pk, create) {
    let p = this.partitions.get(pk);
    if (!p && create) {
      p = new Partition();
      this.partitions.set(pk, p);
      this.partitionKeys.add(pk);
    }
    return p;
  }

  findOne(query) {
    const keys = query ? Object.keys(query) : [];
    if (keys.length !== 2 || typeof query.PartitionKey !== "string" || typeof query.RowKey !== "string") {
      throw new Error("azurite-scale-index: findOne supports { PartitionKey, RowKey } only, got " + JSON.stringify(query));
    }
    const p = this.partitions.get(query.PartitionKey);
    return (p && p.docs.get(query.RowKey)) || null;
  }

  insert(doc) {
    const p = this.partition(doc.PartitionKey, true);
    if (!p.docs.has(doc.RowKey)) {
      this.size++;
      p.keys.add(doc.RowKey);
    }
    p.docs.set(doc.RowKey, doc);
    return doc;
  }

  update(doc) {
    const p = this.partition(doc.PartitionKey, false);
    if (!p || !p.docs.has(doc.RowKey)) {
      throw new Error("azurite-scale-index: update of an entity that is not stored");
    }
    p.docs.set(doc.RowKey, doc);
    return doc;
  }

  remove(doc) {
    const p = this.partition(doc.PartitionKey, false);
    if (p && p.docs.get(doc.RowKey) === doc) {
      p.docs.delete(doc.RowKey);
      p.keys.removed();
      this.size--;
    }
  }

  /** Live entities in (PartitionKey, RowKey) order within the bounds, from the continuation on. */
  *scan(bounds, nextPartitionKey, nextRowKey) {
    const pks = bounds.pk !== undefined ? [bounds.pk] : this.partitionKeys.view(this.partitions);
    let start = 0;
    if (bounds.pk === undefined && nextPartitionKey !== undefined) start = lowerBound(pks, nextPartitionKey);
    for (let i = start; i < pks.length; i++) {
      const p = this.partitions.get(pks[i]);
      if (!p || p.docs.size === 0) continue;
      if (bounds.pk === undefined && nextPartitionKey !== undefined && pks[i] < nextPartitionKey) continue;
      const keys = p.keys.view(p.docs);
      let low = bounds.low;
      if (nextRowKey !== undefined && pks[i] === nextPartitionKey && (low === undefined || nextRowKey > low)) low = nextRowKey;
      let j = low === undefined ? 0 : lowerBound(keys, low);
      for (; j < keys.length; j++) {
        const key = keys[j];
        if (bounds.high !== undefined && (key > bounds.high || (!bounds.highInclusive && key === bounds.high))) break;
        const doc = p.docs.get(key);
        if (doc) yield doc;
      }
    }
  }

  *all() {
    for (const p of this.partitions.values()) yield* p.docs.values();
  }
}

/** The key bounds a filter's top-level conjunction sets with string literals: { pk, low, high, highInclusive }. */
function keyBounds(filter) {
  const bounds = {};
  if (filter === undefined || filter === "" || filter === "true") return bounds;
  let tree;
  try {
    tree = parseQuery(filter);
  } catch {
    return bounds;
  }
  const conjuncts = [];
  (function collect(node) {
    if (node && node.name === "and") {
      collect(node.left);
      collect(node.right);
    } else {
      conjuncts.push(node);
    }
  })(tree);
  const flip = { eq: "eq", ge: "le", gt: "lt", le: "ge", lt: "gt" };
  for (const node of conjuncts) {
    if (!node || !(node.name in flip) || !node.left || !node.right) continue;
    let op = node.name, id = node.left, value = node.right;
    if (id.name !== "id") {
      [id, value] = [value, id];
      op = flip[op];
    }
    if (id.name !== "id" || value.name !== "constant" || typeof value.value !== "string") continue;
    const v = value.value;
    if (id.identifier === "PartitionKey" && op === "eq") {
      if (bounds.pk !== undefined && bounds.pk !== v) bounds.none = true;
      bounds.pk = v;
    } else if (id.identifier === "RowKey") {
      if (op === "eq" || op === "ge" || op === "gt") {
        if (bounds.low === undefined || v > bounds.low) bounds.low = v;
      }
      if (op === "eq" || op === "le" || op === "lt") {
        const inclusive = op !== "lt";
        if (bounds.high === undefined || v < bounds.high || (v === bounds.high && !inclusive)) {
          bounds.high = v;
          bounds.highInclusive = inclusive;
        }
      }
    }
  }
  return bounds;
}

function continuationFilter(nextPartitionKey, nextRowKey) {
  // Azurite's own continuation rule (LokiTableMetadataStore.queryTableEntities).
  return (data) => {
    if (nextPartitionKey !== undefined && data.PartitionKey > nextPartitionKey) return true;
    if (nextRowKey !== undefined) {
      return data.RowKey >= nextRowKey && (data.PartitionKey === nextPartitionKey || data.PartitionKey === undefined);
    }
    if (nextPartitionKey !== undefined && data.PartitionKey < nextPartitionKey) return false;
    return true;
  };
}

const originalGetEntityCollection = Store.prototype.getEntityCollection;
Store.prototype.getEntityCollection = function (account, table, context) {
  const collection = originalGetEntityCollection.call(this, account, table, context);
  if (!collection.__scaleIndex) collection.__scaleIndex = new EntityIndex();
  return collection.__scaleIndex;
};

for (const name of ["rollbackEntityChanges", "removeEntitiesAddedInBatch"]) {
  const original = Store.prototype[name];
  Store.prototype[name] = function (collection) {
    if (!collection.__scaleIndex) collection.__scaleIndex = new EntityIndex();
    return original.call(this, collection.__scaleIndex);
  };
}

Store.prototype.queryTableEntities = async function (context, account, table, queryOptions, nextPartitionKey, nextRowKey) {
  const index = this.getEntityCollection(account, table, context);
  const where = QueryGenerator.generateQueryForPersistenceLayer(queryOptions, context);
  const maxResults = this.getMaxResultsOption(queryOptions);
  const nextPk = this.decodeContinuationHeader(nextPartitionKey);
  const nextRk = this.decodeContinuationHeader(nextRowKey);
  const continues = continuationFilter(nextPk, nextRk);
  const bounds = keyBounds(queryOptions.filter);
  const result = [];
  if (!bounds.none) {
    for (const doc of index.scan(bounds, nextPk, nextRk)) {
      if (where(doc) && continues(doc)) {
        result.push(doc);
        if (result.length > maxResults) break;
      }
    }
  }
  if (verify) {
    const stock = [...index.all()].filter(where).filter(continues)
      .sort((a, b) => compare(a.PartitionKey, b.PartitionKey) || compare(a.RowKey, b.RowKey)).slice(0, maxResults + 1);
    const ours = result.map((d) => d.PartitionKey + "\u0000" + d.RowKey).join("\n");
    const theirs = stock.map((d) => d.PartitionKey + "\u0000" + d.RowKey).join("\n");
    if (ours !== theirs) {
      console.error(`azurite-scale-index: query on ${table} answered differently: filter ${queryOptions.filter}, ${result.length} vs ${stock.length} entities`);
      process.exit(70);
    }
  }
  const response = this.adjustQueryResultforTop(result, maxResults);
  return [result, response.nextPartitionKeyResponse, response.nextRowKeyResponse];
};

if (verify) {
  console.error("azurite-scale-index: verifying every query against a full scan");
}
