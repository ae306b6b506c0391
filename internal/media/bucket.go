package media

import (
	"context"
	"fmt"
	"os"

	"gocloud.dev/blob"
	"gocloud.dev/blob/fileblob"
	_ "gocloud.dev/blob/s3blob" // s3:// URLs: AWS S3 and S3-compatible stores (MinIO, Garage, R2...)
)

// OpenBucket opens the media bucket: the gocloud URL bucketURL when set
// (s3://bucket?endpoint=...&region=...&use_path_style=true, or file:///dir),
// else the local directory dir, created if missing.
func OpenBucket(ctx context.Context, bucketURL, dir string) (*blob.Bucket, error) {
	if bucketURL != "" {
		b, err := blob.OpenBucket(ctx, bucketURL)
		if err != nil {
			return nil, fmt.Errorf("media: open bucket %s: %w", bucketURL, err)
		}
		return b, nil
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("media: create %s: %w", dir, err)
	}
	// Content types live in the database, so no sidecar metadata files.
	b, err := fileblob.OpenBucket(dir, &fileblob.Options{Metadata: fileblob.MetadataDontWrite})
	if err != nil {
		return nil, fmt.Errorf("media: open %s: %w", dir, err)
	}
	return b, nil
}
