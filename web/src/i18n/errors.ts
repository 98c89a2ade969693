/** Chinese wording for API error codes and field-detail codes; English shows the API's own message. */

export const zhErrors: Record<string, string> = {
  INVALID_CREDENTIALS: '用户名或密码错误',
  RATE_LIMITED: '登录失败次数过多，请 15 分钟后再试或联系主管',
  TOKEN_EXPIRED: '登录已过期，请重新登录',
  INVALID_TOKEN: '登录已失效，请重新登录',
  FORBIDDEN: '您的角色无权执行此操作',
  DUPLICATE: '已存在相同的编码或用户名',
  VALIDATION_FAILED: '有字段填写不正确',
  PAYLOAD_TOO_LARGE: '文件太大',
  NOT_FOUND: '找不到要找的内容（可能已被删除）',
  DUPLICATE_BARCODE: '条码已被您的其他商品使用',
  UNKNOWN_SKU: '组合装里有不存在的商品编码',
  NESTED_KIT: '组合装不能再包含组合装',
  EMPTY_FILE: '文件是空的，请填写商品后再上传',
  MISSING_COLUMNS: '表头缺少必填的列，请使用模板的第一行表头',
  UNSUPPORTED_FILE: '不支持这种文件，请上传 Excel（.xlsx）或 CSV 文件',
  UNREADABLE_FILE: '文件无法读取，请用 Excel 打开后重新保存再上传',
  MALFORMED_CSV: 'CSV 文件格式有误（例如引号不成对），请用 Excel 重新另存为 CSV',
  OWNER_REQUIRED: '请先选择货主，或在文件中填写"货主编码"列',
};

export const WITH_DETAIL = new Set(['DUPLICATE', 'FORBIDDEN', 'DUPLICATE_BARCODE', 'UNKNOWN_SKU', 'NESTED_KIT']);

export const zhDetailCodes: Record<string, string> = {
  too_small: '不能为空或太短',
  too_big: '太长或太大',
  invalid_format: '格式不正确',
  invalid_type: '类型不正确',
  invalid_value: '取值不正确',
  unknown_field: '未知字段',
  required: '必填',
  invalid_barcode: '条码无效',
  duplicate_barcode: '条码重复',
  duplicate: '重复',
  self: '组合装不能包含自己',
  not_a_number: '不是数字',
};
