// An ordinary app's worth of memory, held: 24 MiB written (every page, each
// a little different so that zram cannot keep it for free), then nothing
// more. board/boot-test --lifecycle-test opens eight of these one after
// another so that the device's app budget runs short and the compositor's
// lifecycle has to discard apps in the background.
"use strict";
const chunkBytes = 4 * 1024 * 1024;
const chunks = 6;
const held = [];
const counter = document.getElementById("held");
function grow() {
    const chunk = new Uint8Array(chunkBytes);
    chunk.fill(held.length & 0xff);
    for (let page = 0; page < chunkBytes; page += 4096) chunk[page] = (page >> 12) & 0xff;
    held.push(chunk);
    counter.textContent = String(held.length * chunkBytes / (1024 * 1024));
    if (held.length < chunks) setTimeout(grow, 10);
}
grow();
