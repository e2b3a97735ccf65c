// "#ort" is onnxruntime-web (package.json "imports" picks its Node or its plain WASM build); its
// types are the package's ambient declarations, which TypeScript does not follow through "imports".
declare module "#ort" {
  export * from "onnxruntime-web";
}
