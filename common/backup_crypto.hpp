// The backup's cryptography (issue 19 item 3), on libsodium: the server holds
// only sealed bytes and names that reveal nothing.
//
//  - One master key from the user's passphrase: crypto_pwhash, Argon2id, with
//    a random salt and the limits in the account's key file on the server
//    (Backup/key.json), so a new phone derives the same key from the same
//    passphrase. Interactive limits (2 passes, 64 MiB): the phone has 1 GB.
//  - Two keys from it (crypto_kdf): one names chunks, one seals.
//  - A chunk's id is keyed BLAKE2b-128 of its plaintext: the same content has
//    the same id (so it is sent once), yet the server, not knowing the key,
//    cannot confirm a guess of the content. 128 bits: no collision among a
//    phone's chunks in practice (2^64 chunks for an even chance), half the
//    manifest of 256.
//  - Every chunk and manifest is sealed with XChaCha20-Poly1305 (random
//    24-byte nonce) with its name as associated data: a server that swaps
//    two chunks or manifests, or cuts one, is caught when it is opened.
//  - The key file carries a sealed check value: a wrong passphrase is told at
//    once, in words, never as a failed chunk later.
#pragma once

#include <array>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace cirrus::backup {

inline constexpr std::size_t kKeyBytes = 32;
inline constexpr std::size_t kChunkIdBytes = 16;
// nonce + Poly1305 tag: what sealing adds to every blob.
inline constexpr std::size_t kSealOverhead = 24 + 16;

// The passphrase does not open this account's backups, or a blob is not
// what its name says (damaged, cut, or swapped by the server).
class CryptoError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// Backup/key.json on the server: no secret in it.
struct KeyFile {
    int version = 1;
    std::string salt_hex;  // crypto_pwhash_SALTBYTES
    std::uint64_t opslimit = 0;
    std::uint64_t memlimit = 0;
    std::string check_hex;  // kCheckText sealed with the key
};

nlohmann::json to_json(const KeyFile& file);
// Throws std::runtime_error naming the field when the JSON is not a key file
// this version reads (or its limits are beyond what a phone should run).
KeyFile key_file_from_json(const nlohmann::json& json);

class Keys {
public:
    // A new key file for `passphrase` (random salt) and its keys.
    static std::pair<KeyFile, Keys> create(std::string_view passphrase);
    // The keys `passphrase` derives under `file`; CryptoError when the
    // passphrase is not the one the file was made with.
    static Keys derive(std::string_view passphrase, const KeyFile& file);
    // From the master key stored on the phone (backup_key_store).
    static Keys from_master(const std::array<std::uint8_t, kKeyBytes>& master);
    // CryptoError unless the file's check opens with these keys.
    void verify(const KeyFile& file) const;

    Keys(const Keys&) = default;
    Keys& operator=(const Keys&) = default;
    ~Keys();

    const std::array<std::uint8_t, kKeyBytes>& master() const { return master_; }
    // 32 hex digits.
    std::string chunk_id(std::string_view plaintext) const;
    // nonce || ciphertext || tag.
    std::string seal(std::string_view plaintext, std::string_view name) const;
    // CryptoError when `sealed` is not `name` sealed with these keys.
    std::string open(std::string_view sealed, std::string_view name) const;

private:
    Keys() = default;
    std::array<std::uint8_t, kKeyBytes> master_{};
    std::array<std::uint8_t, kKeyBytes> id_key_{};
    std::array<std::uint8_t, kKeyBytes> seal_key_{};
};

std::string to_hex(std::string_view bytes);
// nullopt-like: throws std::runtime_error naming `what` on bad hex.
std::string from_hex(std::string_view hex, std::string_view what);

}  // namespace cirrus::backup
