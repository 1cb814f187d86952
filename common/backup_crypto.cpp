// See backup_crypto.hpp.
#include "backup_crypto.hpp"

#include <sodium.h>

namespace cirrus::backup {

namespace {

constexpr std::string_view kCheckText = "cirrus-backup-key-check-v1";
constexpr std::string_view kCheckName = "key.json";
// A key file asking for more than this is refused: a hostile server must not
// make the phone spend minutes or gigabytes deriving.
constexpr std::uint64_t kMaxOpslimit = 16;
constexpr std::uint64_t kMaxMemlimit = 256ull << 20;

void ensure_sodium() {
    if (sodium_init() < 0) throw std::runtime_error("libsodium could not be initialised");
}

const unsigned char* bytes(std::string_view text) { return reinterpret_cast<const unsigned char*>(text.data()); }

}  // namespace

std::string to_hex(std::string_view data) {
    std::string hex(data.size() * 2 + 1, '\0');
    sodium_bin2hex(hex.data(), hex.size(), bytes(data), data.size());
    hex.pop_back();
    return hex;
}

std::string from_hex(std::string_view hex, std::string_view what) {
    std::string out(hex.size() / 2, '\0');
    std::size_t length = 0;
    const char* end = nullptr;
    if (hex.size() % 2 != 0 ||
        sodium_hex2bin(reinterpret_cast<unsigned char*>(out.data()), out.size(), hex.data(), hex.size(), nullptr,
                       &length, &end) != 0 ||
        end != hex.data() + hex.size())
        throw std::runtime_error(std::string(what) + ": not hexadecimal");
    out.resize(length);
    return out;
}

nlohmann::json to_json(const KeyFile& file) {
    return {{"format", "cirrus-backup-key"}, {"version", file.version},   {"kdf", "argon2id13"},
            {"salt", file.salt_hex},         {"opslimit", file.opslimit}, {"memlimit", file.memlimit},
            {"check", file.check_hex}};
}

KeyFile key_file_from_json(const nlohmann::json& json) {
    if (!json.is_object() || json.value("format", "") != "cirrus-backup-key")
        throw std::runtime_error("Backup/key.json: not a Cirrus backup key file (\"format\" is not cirrus-backup-key)");
    KeyFile file;
    try {
        file.version = json.at("version").get<int>();
        if (file.version != 1)
            throw std::runtime_error("\"version\" " + std::to_string(file.version) +
                                     " is newer than this Cirrus reads: update Cirrus");
        if (json.at("kdf").get<std::string>() != "argon2id13") throw std::runtime_error("\"kdf\" is not argon2id13");
        file.salt_hex = json.at("salt").get<std::string>();
        file.opslimit = json.at("opslimit").get<std::uint64_t>();
        file.memlimit = json.at("memlimit").get<std::uint64_t>();
        file.check_hex = json.at("check").get<std::string>();
    } catch (const nlohmann::json::exception& e) {
        throw std::runtime_error(std::string("Backup/key.json: ") + e.what());
    } catch (const std::runtime_error& e) {
        throw std::runtime_error(std::string("Backup/key.json: ") + e.what());
    }
    if (file.salt_hex.size() != crypto_pwhash_SALTBYTES * 2)
        throw std::runtime_error("Backup/key.json: \"salt\" is not 16 bytes of hex");
    if (file.opslimit < crypto_pwhash_OPSLIMIT_MIN || file.opslimit > kMaxOpslimit ||
        file.memlimit < crypto_pwhash_MEMLIMIT_MIN || file.memlimit > kMaxMemlimit)
        throw std::runtime_error("Backup/key.json: \"opslimit\" or \"memlimit\" is outside what a phone runs");
    if (file.check_hex.size() > 1024) throw std::runtime_error("Backup/key.json: \"check\" is too long");
    return file;
}

Keys::~Keys() {
    sodium_memzero(master_.data(), master_.size());
    sodium_memzero(id_key_.data(), id_key_.size());
    sodium_memzero(seal_key_.data(), seal_key_.size());
}

Keys Keys::from_master(const std::array<std::uint8_t, kKeyBytes>& master) {
    ensure_sodium();
    Keys keys;
    keys.master_ = master;
    crypto_kdf_derive_from_key(keys.id_key_.data(), keys.id_key_.size(), 1, "cirrusbk", master.data());
    crypto_kdf_derive_from_key(keys.seal_key_.data(), keys.seal_key_.size(), 2, "cirrusbk", master.data());
    return keys;
}

namespace {

std::array<std::uint8_t, kKeyBytes> stretch(std::string_view passphrase, const std::string& salt,
                                            std::uint64_t opslimit, std::uint64_t memlimit) {
    std::array<std::uint8_t, kKeyBytes> master{};
    if (crypto_pwhash(master.data(), master.size(), passphrase.data(), passphrase.size(), bytes(salt), opslimit,
                      static_cast<std::size_t>(memlimit), crypto_pwhash_ALG_ARGON2ID13) != 0)
        throw std::runtime_error("deriving the backup key ran out of memory (Argon2id needs " +
                                 std::to_string(memlimit >> 20) + " MiB)");
    return master;
}

}  // namespace

std::pair<KeyFile, Keys> Keys::create(std::string_view passphrase) {
    ensure_sodium();
    std::string salt(crypto_pwhash_SALTBYTES, '\0');
    randombytes_buf(salt.data(), salt.size());
    KeyFile file;
    file.salt_hex = to_hex(salt);
    file.opslimit = crypto_pwhash_OPSLIMIT_INTERACTIVE;
    file.memlimit = crypto_pwhash_MEMLIMIT_INTERACTIVE;
    auto master = stretch(passphrase, salt, file.opslimit, file.memlimit);
    Keys keys = from_master(master);
    sodium_memzero(master.data(), master.size());
    file.check_hex = to_hex(keys.seal(kCheckText, kCheckName));
    return {file, keys};
}

Keys Keys::derive(std::string_view passphrase, const KeyFile& file) {
    ensure_sodium();
    auto master = stretch(passphrase, from_hex(file.salt_hex, "Backup/key.json salt"), file.opslimit, file.memlimit);
    Keys keys = from_master(master);
    sodium_memzero(master.data(), master.size());
    keys.verify(file);
    return keys;
}

void Keys::verify(const KeyFile& file) const {
    bool opens = false;
    try {
        opens = open(from_hex(file.check_hex, "Backup/key.json check"), kCheckName) == kCheckText;
    } catch (const CryptoError&) {}
    if (!opens)
        throw CryptoError(
            "the passphrase does not open this account's backups (Backup/key.json was made with another): "
            "give the passphrase used for the first backup");
}

std::string Keys::chunk_id(std::string_view plaintext) const {
    std::string id(kChunkIdBytes, '\0');
    crypto_generichash(reinterpret_cast<unsigned char*>(id.data()), id.size(), bytes(plaintext), plaintext.size(),
                       id_key_.data(), id_key_.size());
    return to_hex(id);
}

std::string Keys::seal(std::string_view plaintext, std::string_view name) const {
    std::string sealed(
        crypto_aead_xchacha20poly1305_ietf_NPUBBYTES + plaintext.size() + crypto_aead_xchacha20poly1305_ietf_ABYTES,
        '\0');
    auto* out = reinterpret_cast<unsigned char*>(sealed.data());
    randombytes_buf(out, crypto_aead_xchacha20poly1305_ietf_NPUBBYTES);
    unsigned long long length = 0;
    crypto_aead_xchacha20poly1305_ietf_encrypt(out + crypto_aead_xchacha20poly1305_ietf_NPUBBYTES, &length,
                                               bytes(plaintext), plaintext.size(), bytes(name), name.size(), nullptr,
                                               out, seal_key_.data());
    return sealed;
}

std::string Keys::open(std::string_view sealed, std::string_view name) const {
    constexpr std::size_t nonce = crypto_aead_xchacha20poly1305_ietf_NPUBBYTES;
    if (sealed.size() < nonce + crypto_aead_xchacha20poly1305_ietf_ABYTES)
        throw CryptoError(std::string(name) + ": too short to be a sealed backup blob (cut on the server?)");
    std::string plain(sealed.size() - nonce - crypto_aead_xchacha20poly1305_ietf_ABYTES, '\0');
    unsigned long long length = 0;
    if (crypto_aead_xchacha20poly1305_ietf_decrypt(reinterpret_cast<unsigned char*>(plain.data()), &length, nullptr,
                                                   bytes(sealed.substr(nonce)), sealed.size() - nonce, bytes(name),
                                                   name.size(), bytes(sealed), seal_key_.data()) != 0)
        throw CryptoError(std::string(name) +
                          ": does not open with the backup key (damaged, cut or replaced on the server)");
    plain.resize(length);
    return plain;
}

}  // namespace cirrus::backup
