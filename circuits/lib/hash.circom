pragma circom 2.1.6;

// Hashing blocks shared by the sinso circuits (commitment version 2, docs/commitment.md).

include "circomlib/circuits/poseidon.circom";

// hashChain over n ≥ 1 elements, exactly as docs/commitment.md defines it:
// h = Poseidon(x1 … x16) over the first min(n, 16), then h = Poseidon(h, next up to 15) while
// elements remain.
template HashChain(n) {
    signal input in[n];
    signal output out;

    var first = n < 16 ? n : 16;
    var calls = 1;
    if (n > 16) {
        calls = 1 + (n - 16 + 14) \ 15;
    }
    component h[calls];
    h[0] = Poseidon(first);
    for (var i = 0; i < first; i++) {
        h[0].inputs[i] <== in[i];
    }
    var at = first;
    for (var c = 1; c < calls; c++) {
        var take = n - at < 15 ? n - at : 15;
        h[c] = Poseidon(take + 1);
        h[c].inputs[0] <== h[c - 1].out;
        for (var i = 0; i < take; i++) {
            h[c].inputs[i + 1] <== in[at + i];
        }
        at += take;
    }
    out <== h[calls - 1].out;
}

// out = in[index] for a public-or-private index < n; fails (no witness) if index ≥ n.
template Select(n) {
    signal input in[n];
    signal input index;
    signal output out;

    signal hit[n];
    signal terms[n];
    var hits = 0;
    var acc = 0;
    for (var i = 0; i < n; i++) {
        hit[i] <== IsZeroLocal()(index - i);
        terms[i] <== hit[i] * in[i];
        hits += hit[i];
        acc += terms[i];
    }
    hits === 1;
    out <== acc;
}

// 1 if in == 0 else 0 (circomlib's IsZero, kept local so this file needs only poseidon.circom).
template IsZeroLocal() {
    signal input in;
    signal output out;
    signal inv;
    inv <-- in != 0 ? 1 / in : 0;
    out <== -in * inv + 1;
    in * out === 0;
}

// Bits of in, least significant first; fails (no witness) unless 0 ≤ in < 2^n.
template Bits(n) {
    signal input in;
    signal output out[n];
    var acc = 0;
    var e = 1;
    for (var i = 0; i < n; i++) {
        out[i] <-- (in >> i) & 1;
        out[i] * (out[i] - 1) === 0;
        acc += out[i] * e;
        e = e + e;
    }
    acc === in;
}
