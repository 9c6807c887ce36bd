# Hindsight's container image: the static release binary on distroless,
# running as non-root, its SQLite store in the /data volume.
#
#   scripts/release.sh                 # builds dist/hindsight-linux-amd64 and -arm64
#   docker build -t hindsight:latest .  # --platform linux/arm64 for arm64
#   docker run -p 8080:8080 -v hindsight-data:/data -e HINDSIGHT_WEBHOOK_TOKEN=… hindsight:latest
#
# docs/install.md ("Container") explains the settings.
FROM gcr.io/distroless/static-debian12:nonroot
ARG TARGETARCH=amd64
COPY --chmod=0755 dist/hindsight-linux-${TARGETARCH} /usr/local/bin/hindsight
# An empty directory owned by the non-root user, so that a new volume
# mounted on it is writable.
COPY --chown=65532:65532 deploy/docker/data/ /data/
VOLUME /data
ENV HINDSIGHT_DB=/data/hindsight.db \
    HINDSIGHT_ADDR=0.0.0.0:8080
EXPOSE 8080
USER 65532:65532
WORKDIR /data
# No shell or curl in the image: the binary probes itself.
HEALTHCHECK --interval=30s --timeout=5s --start-period=15s --retries=3 \
    CMD ["/usr/local/bin/hindsight", "healthcheck"]
ENTRYPOINT ["/usr/local/bin/hindsight"]
CMD ["serve"]
