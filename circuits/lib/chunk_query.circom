pragma circom 2.1.6;

// One chunk of an aggregate query over a dataset committed with commitment version 2
// ("column chunks", docs/commitment.md; the statement is in docs/zk.md):
//
//   SELECT COUNT(*), COUNT(x), SUM(x), SUM(x*x) FROM table WHERE pred_1 AND … AND pred_P
//
// over rows C·k … C·k + C − 1 of the table at tableIndex of the dataset whose root is public.
// The circuit recomputes the hashes of the opened columns (x and each predicate's column) from
// their values, the chunk root from those and the other columns' hashes, the chunk-tree root from
// the chunk's path (its depth pinned by the committed row count), the table root and the dataset
// root. The query (table, columns, operators, constants) is bound by the public queryHash.
//
// Predicate operators: 0 none (true), 1 =, 2 <, 3 <=, 4 >, 5 >=, 6 != over signed integers in
// the field (negative x is p + x). An order comparison is exact for values within 2^W of the
// constant; values further away make the proof impossible (the prover then needs a wider
// circuit), so a proof never carries a wrong comparison. NULL never satisfies a predicate; SUM
// and COUNT(x) skip NULL x; rows past the table's end (padding) count nowhere.

include "hash.circom";

template ChunkQuery(C, LOG_C, P, W, D, T) {
    var DATASET_TAG = 11054258288178586714496986098567603559813811483769529716; // "sinso/commit/v2/dataset"
    var QUERY_TAG = 11054258288178594535352387988844836684829711777896822321; // "sinso/zk/chunk-query/v1"
    var O = 1 + P; // opened columns: x, then one per predicate

    // public
    signal input datasetRoot;
    signal input queryHash;
    signal input chunkIndex;
    signal output count;
    signal output countX;
    signal output sumX;
    signal output sumSqX;
    signal output nChunks;

    // the query, bound by queryHash
    signal input tableIndex;
    signal input encodingHash;
    signal input rowCount;
    signal input xCol;
    signal input predCol[P];
    signal input predOp[P];
    signal input predConst[P];

    // the dataset and this chunk's place in it
    signal input tableCount;
    signal input tableRoots[T];
    signal input treeSiblings[D];
    signal input treeLevels[D];
    signal input nodes[16];
    signal input colSalt[O];
    signal input colNulls[O];
    signal input colValues[O][C];
    signal input colSlots[O][16];
    signal input lastRows;
    signal input valid[C];

    // --- the query hash
    component qh = Poseidon(5 + 3 * P);
    qh.inputs[0] <== QUERY_TAG;
    qh.inputs[1] <== tableIndex;
    qh.inputs[2] <== encodingHash;
    qh.inputs[3] <== rowCount;
    qh.inputs[4] <== xCol;
    for (var p = 0; p < P; p++) {
        qh.inputs[5 + 3 * p] <== predCol[p];
        qh.inputs[6 + 3 * p] <== predOp[p];
        qh.inputs[7 + 3 * p] <== predConst[p];
    }
    qh.out === queryHash;

    // --- dataset root and the table's root
    component dr = Poseidon(16);
    dr.inputs[0] <== DATASET_TAG;
    dr.inputs[1] <== tableCount;
    for (var t = 0; t < T; t++) {
        dr.inputs[2 + t] <== tableRoots[t];
    }
    dr.out === datasetRoot;
    signal tableRoot <== Select(T)(tableRoots, tableIndex);

    // --- chunk count K from the committed row count: rowCount = C·(K − 1) + lastRows, 1 ≤ lastRows ≤ C
    nChunks <-- (rowCount + C - 1) \ C;
    rowCount === C * (nChunks - 1) + lastRows;
    signal lastBits[LOG_C] <== Bits(LOG_C)(lastRows - 1);
    signal kBits[D] <== Bits(D)(nChunks - 1);
    signal beforeEnd[D] <== Bits(D)(nChunks - 1 - chunkIndex); // chunkIndex < nChunks

    // --- tree depth d = Σ levels (levels monotone), pinned by 2^(d−1) < K ≤ 2^d
    signal pow[D + 1];
    pow[0] <== 1;
    for (var l = 0; l < D; l++) {
        treeLevels[l] * (treeLevels[l] - 1) === 0;
        if (l > 0) {
            treeLevels[l] * (1 - treeLevels[l - 1]) === 0;
        }
        pow[l + 1] <== pow[l] + pow[l] * treeLevels[l];
    }
    signal atMost[D + 1] <== Bits(D + 1)(pow[D] - nChunks);
    signal above[D + 2] <== Bits(D + 2)(2 * nChunks - pow[D] - 1);

    // --- chunk root → chunk-tree root (index bits pick left/right, bottom first)
    signal chunkRoot <== Poseidon(16)(nodes);
    signal indexBits[D] <== Bits(D)(chunkIndex);
    signal level[D + 1];
    signal swap[D];
    signal lifted[D];
    component up[D];
    level[0] <== chunkRoot;
    for (var l = 0; l < D; l++) {
        swap[l] <== indexBits[l] * (treeSiblings[l] - level[l]);
        up[l] = Poseidon(2);
        up[l].inputs[0] <== level[l] + swap[l];
        up[l].inputs[1] <== treeSiblings[l] - swap[l];
        lifted[l] <== treeLevels[l] * (up[l].out - level[l]);
        level[l + 1] <== level[l] + lifted[l];
    }
    component tr = Poseidon(3);
    tr.inputs[0] <== encodingHash;
    tr.inputs[1] <== rowCount;
    tr.inputs[2] <== level[D];
    tr.out === tableRoot;

    // --- opened columns: their hashes sit in their slots of the chunk root
    signal colIndex[O];
    colIndex[0] <== xCol;
    for (var p = 0; p < P; p++) {
        colIndex[1 + p] <== predCol[p];
    }
    component hc[O];
    component slotBits[O];
    signal nullBits[O][C];
    signal slotHash[O];
    signal nodeHash[O];
    signal nodeOfSlots[O];
    for (var o = 0; o < O; o++) {
        hc[o] = HashChain(C + 2);
        hc[o].in[0] <== colSalt[o];
        hc[o].in[1] <== colNulls[o];
        for (var i = 0; i < C; i++) {
            hc[o].in[2 + i] <== colValues[o][i];
        }
        slotBits[o] = Bits(8);
        slotBits[o].in <== colIndex[o];
        var slot = slotBits[o].out[0] + 2 * slotBits[o].out[1] + 4 * slotBits[o].out[2] + 8 * slotBits[o].out[3];
        var node = slotBits[o].out[4] + 2 * slotBits[o].out[5] + 4 * slotBits[o].out[6] + 8 * slotBits[o].out[7];
        slotHash[o] <== Select(16)(colSlots[o], slot);
        slotHash[o] === hc[o].out;
        nodeHash[o] <== Select(16)(nodes, node);
        nodeOfSlots[o] <== Poseidon(16)(colSlots[o]);
        nodeHash[o] === nodeOfSlots[o];
        nullBits[o] <== Bits(C)(colNulls[o]);
    }

    // --- which rows exist: valid[i] = 1 for the first nValid rows of the chunk
    signal isLast <== IsZeroLocal()(chunkIndex - (nChunks - 1));
    signal nValid <== C + isLast * (lastRows - C);
    var validCount = 0;
    for (var i = 0; i < C; i++) {
        valid[i] * (valid[i] - 1) === 0;
        if (i > 0) {
            valid[i] * (1 - valid[i - 1]) === 0;
        }
        validCount += valid[i];
    }
    validCount === nValid;

    // --- predicates: pred = a + b·ge + c·eq with a, b, c fixed by the operator
    signal keep[P][C];
    component flag[P][7];
    signal useConst[P][C];
    signal cmpIn[P][C];
    signal ge[P][C];
    signal eq[P][C];
    signal geTerm[P][C];
    signal eqTerm[P][C];
    signal nullTerm[P][C];
    component cmp[P][C];
    for (var p = 0; p < P; p++) {
        var flags = 0;
        for (var j = 0; j < 7; j++) {
            flag[p][j] = IsZeroLocal();
            flag[p][j].in <== predOp[p] - j;
            flags += flag[p][j].out;
        }
        flags === 1; // the operator is one of 0 … 6
        var fNone = flag[p][0].out;
        var fEq = flag[p][1].out;
        var fLt = flag[p][2].out;
        var fLe = flag[p][3].out;
        var fGt = flag[p][4].out;
        var fGe = flag[p][5].out;
        var fNe = flag[p][6].out;
        var a = fLt + fLe + fNe + fNone;
        var b = fGt + fGe - fLt - fLe;
        var c = fEq + fLe - fGt - fNe;
        var noOrder = fNone + fEq + fNe; // operators that need no order comparison
        for (var i = 0; i < C; i++) {
            var y = colValues[1 + p][i];
            var yNull = nullBits[1 + p][i];
            // compare the constant with itself where no order is needed or y is NULL
            useConst[p][i] <== yNull + noOrder - yNull * noOrder;
            cmpIn[p][i] <== y + useConst[p][i] * (predConst[p] - y);
            cmp[p][i] = Bits(W + 1);
            cmp[p][i].in <== cmpIn[p][i] - predConst[p] + (1 << W);
            ge[p][i] <== cmp[p][i].out[W];
            eq[p][i] <== IsZeroLocal()(y - predConst[p]);
            geTerm[p][i] <== b * ge[p][i];
            eqTerm[p][i] <== c * eq[p][i];
            // NULL fails every predicate but "none"
            nullTerm[p][i] <== (1 - fNone) * yNull;
            keep[p][i] <== (a + geTerm[p][i] + eqTerm[p][i]) * (1 - nullTerm[p][i]);
        }
    }

    // --- the aggregates
    signal sel[P + 1][C];
    signal selX[C];
    signal xTerm[C];
    signal xxTerm[C];
    var cnt = 0;
    var cntX = 0;
    var sx = 0;
    var sxx = 0;
    for (var i = 0; i < C; i++) {
        sel[0][i] <== valid[i];
        for (var p = 0; p < P; p++) {
            sel[p + 1][i] <== sel[p][i] * keep[p][i];
        }
        selX[i] <== sel[P][i] * (1 - nullBits[0][i]);
        xTerm[i] <== selX[i] * colValues[0][i];
        xxTerm[i] <== xTerm[i] * colValues[0][i];
        cnt += sel[P][i];
        cntX += selX[i];
        sx += xTerm[i];
        sxx += xxTerm[i];
    }
    count <== cnt;
    countX <== cntX;
    sumX <== sx;
    sumSqX <== sxx;
}
