// A runaway app: keeps every buffer it makes and writes each one, so that
// the memory is really in use (written pages, not just reserved address
// space), until the device's limits stop it. board/boot-test --runaway-test.
"use strict";
const chunkBytes = 8 * 1024 * 1024;
const held = [];
const counter = document.getElementById("held");
function grow() {
    const chunk = new Uint8Array(chunkBytes);
    // A different byte per chunk, one per 4 KiB page at least: zram keeps a
    // page of one repeated byte almost for free, so each page gets a
    // counter as well.
    chunk.fill(held.length & 0xff);
    for (let page = 0; page < chunkBytes; page += 4096) chunk[page] = (page >> 12) & 0xff;
    held.push(chunk);
    counter.textContent = String(held.length * chunkBytes / (1024 * 1024));
    setTimeout(grow, 10);
}
grow();
