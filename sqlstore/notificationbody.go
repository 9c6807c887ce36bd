package sqlstore

import (
	"fmt"

	"github.com/klauspost/compress/zstd"
)

// Raw notification bodies are stored compressed (migration 00026): the
// JSON of a notification of a hundred alerts is some 33 KB that
// Zstandard's fastest level makes about 3 KB, and these bodies were a
// quarter of the pages such a notification wrote. The body_encoding column
// says how each row's body is stored; rows written before it keep '' and
// are read as they are. Readers (export, backup) always get the body as
// received.

// Body encodings, as body_encoding holds them.
const (
	bodyAsReceived = ""
	bodyZstd       = "zstd"
)

// minCompressedBody is the size below which a body is stored as received:
// a notification of one alert gains a few hundred bytes at most.
const minCompressedBody = 512

// maxDecodedBody bounds what decoding a stored body may allocate. It is far
// above any webhook body limit; a frame that claims more is refused as
// damaged rather than exhausting memory.
const maxDecodedBody = 1 << 30

var (
	bodyEncoder = mustZstd(zstd.NewWriter(nil, zstd.WithEncoderLevel(zstd.SpeedFastest),
		zstd.WithEncoderConcurrency(4), zstd.WithLowerEncoderMem(true)))
	bodyDecoder = mustZstd(zstd.NewReader(nil, zstd.WithDecoderConcurrency(0),
		zstd.WithDecoderMaxMemory(maxDecodedBody)))
)

func mustZstd[T any](v T, err error) T {
	if err != nil {
		panic("sqlstore: zstd: " + err.Error()) // only for options that are invalid: a programming error
	}
	return v
}

// encodeBody returns body as it is stored and its encoding: compressed
// when that makes it smaller.
func encodeBody(body []byte) ([]byte, string) {
	if len(body) < minCompressedBody {
		return body, bodyAsReceived
	}
	z := bodyEncoder.EncodeAll(body, make([]byte, 0, len(body)/4))
	if len(z) >= len(body) {
		return body, bodyAsReceived
	}
	return z, bodyZstd
}

// decodeBody returns the body as received from its stored form.
func decodeBody(stored []byte, encoding string) ([]byte, error) {
	switch encoding {
	case bodyAsReceived:
		return stored, nil
	case bodyZstd:
		body, err := bodyDecoder.DecodeAll(stored, nil)
		if err != nil {
			return nil, fmt.Errorf("stored notification body is damaged: %w", err)
		}
		return body, nil
	}
	return nil, fmt.Errorf("stored notification body has an unknown encoding %q", encoding)
}
