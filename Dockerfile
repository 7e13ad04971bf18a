# docindex: the MCP server and CLI in a container.
#
#   docker build -t docindex .
#   docker run --rm -v "$PWD:/workspace:ro" -v docindex-data:/data -p 127.0.0.1:8765:8765 \
#     -e DOCINDEX_TOKEN=change-me-please docindex serve --root /workspace --http 0.0.0.0:8765
#
# docker-compose.yml runs it next to Elasticsearch. Two stages: the first has the compilers that
# native modules (better-sqlite3) may need and the dev dependencies that build the TypeScript;
# the second gets only the compiled output and the production node_modules.
ARG NODE_VERSION=20
# Add --omit=optional to leave out the local embedding runtime (@huggingface/transformers and
# onnxruntime, a few hundred MB) when embeddings come from a provider or Ollama.
ARG NPM_PRUNE_FLAGS="--omit=dev"

FROM node:${NODE_VERSION}-bookworm-slim AS build
ARG NPM_PRUNE_FLAGS
WORKDIR /app
# When no prebuilt better-sqlite3 binary fits, node-gyp compiles it with these, against the
# headers that the node image already has (no download).
RUN apt-get update \
  && apt-get install -y --no-install-recommends python3 make g++ \
  && rm -rf /var/lib/apt/lists/*
ENV npm_config_nodedir=/usr/local
COPY package.json package-lock.json .npmrc ./
# Scripts run later: the package's own "prepare" would compile sources that are not copied yet.
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json ./
COPY src ./src
COPY scanners ./scanners
COPY indexers ./indexers
RUN npm rebuild \
  && npx tsc -p tsconfig.json \
  && npm prune ${NPM_PRUNE_FLAGS} --no-audit --no-fund

FROM node:${NODE_VERSION}-bookworm-slim AS runtime
ENV NODE_ENV=production \
  DOCINDEX_INDEX_DIR=/data/index \
  DOCINDEX_MODEL_CACHE_DIR=/data/models
WORKDIR /app
# pdftotext (poppler) is the fast PDF engine (setting pdfEngine: auto); without it PDFs fall back
# to pdf-parse, about six times slower.
RUN apt-get update \
  && apt-get install -y --no-install-recommends poppler-utils \
  && rm -rf /var/lib/apt/lists/*
COPY --from=build /app/package.json ./package.json
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
# The index metadata, embedding cache and local models live on a volume mounted at /data; a new
# named volume takes this folder's owner, so the non-root user can write to it.
RUN mkdir -p /data/index /data/models && chown -R node:node /data
USER node
VOLUME ["/data"]
EXPOSE 8765
ENTRYPOINT ["node", "dist/src/cli/main.js"]
CMD ["--help"]
